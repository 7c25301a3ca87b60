export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as { livegateStack?: { stop: () => Promise<void> } }).livegateStack;
  await stack?.stop();
}
