export default async function globalTeardown(): Promise<void> {
  const shared = globalThis as { livegateStack?: { stop: () => Promise<void> }; livegateProxy?: { close: () => Promise<void> } };
  await shared.livegateStack?.stop();
  await shared.livegateProxy?.close();
}
