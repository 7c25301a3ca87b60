import { sleep } from '#lib/sleep.ts';
/**
 * Waits for the start of the next window of `windowSeconds`, as the scheduled run starts on the
 * minute, so every tick of a run started now is still ahead of it. Returns the window's start (ms).
 */
export const atNextWindow = async (windowSeconds: number): Promise<number> => {
  const windowMs = windowSeconds * 1000;
  const start = Math.ceil((Date.now() + 1) / windowMs) * windowMs;
  await sleep(start - Date.now() + 5);
  return start;
};
