/** Resolves after `ms` (at least 0). `unref` lets the process exit while it waits. */
export const sleep = (ms: number, options: { unref?: boolean } = {}): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, ms));
    if (options.unref) timer.unref();
  });
