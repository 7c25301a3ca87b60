// A sliding one-second window: at most `perSecond` calls start in any 1,000 ms (plus a small
// margin for the network bunching calls on the way), which is how the upstreams count.

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class RateGate {
  private readonly perSecond: number;
  private readonly windowMs: number;
  private readonly starts: number[] = [];
  private head = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly clock: () => number;

  constructor(perSecond: number, options: { marginMs?: number; clock?: () => number } = {}) {
    if (!(perSecond > 0)) throw new Error('a rate gate needs a positive rate');
    this.perSecond = perSecond;
    this.windowMs = 1000 + (options.marginMs ?? 25);
    this.clock = options.clock ?? Date.now;
  }

  /** Resolves when one more call may start; callers are let through in arrival order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForRoom());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForRoom(): Promise<void> {
    for (;;) {
      const now = this.clock();
      while (this.head < this.starts.length && (this.starts[this.head] as number) <= now - this.windowMs) this.head += 1;
      if (this.head > 1024) {
        this.starts.splice(0, this.head);
        this.head = 0;
      }
      if (this.starts.length - this.head < this.perSecond) {
        this.starts.push(now);
        return;
      }
      await sleep(Math.max(1, (this.starts[this.head] as number) + this.windowMs - now));
    }
  }
}
