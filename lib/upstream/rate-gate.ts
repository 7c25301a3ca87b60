import { Metric } from '#lib/metrics/catalogue.ts';
import { metrics } from '#lib/metrics/recorder.ts';
import { sleep } from '#lib/sleep.ts';
import type { Provider } from './failure.ts';

// Keeps call starts under a rate the way the upstreams count it: evenly spaced, 3 % wider than
// 1000/perSecond ms (no burst for the network to bunch up further, and room for the jitter it
// adds), and never more than `perSecond` starts in any window of a second and 60 ms. The upstream
// counts arrivals, and arrivals bunch: a pause of a few tens of milliseconds on the way (a busy
// event loop, the network) lands calls started 1,025 ms apart inside one second (measured at
// 200/s against the emulator in its own process: 201/s with a 25 ms margin, at most 200 with 60).

const CATCH_UP_MS = 20;

export class RateGate {
  /** Starts allowed in any second; the snapshot plan sizes its ticks by the same number. */
  readonly perSecond: number;
  private readonly spacingMs: number;
  private readonly windowMs: number;
  private readonly starts: number[] = [];
  private head = 0;
  private nextStart = 0;
  private queue: Promise<void> = Promise.resolve();
  private readonly clock: () => number;
  private readonly counted: { upstream: Provider; api: string } | undefined;

  /** `counts`: the upstream API whose calls pass here, for the RateLimitWaits metrics. */
  constructor(perSecond: number, options: { marginMs?: number; clock?: () => number; counts?: { upstream: Provider; api: string } } = {}) {
    if (!(perSecond > 0)) throw new Error('a rate gate needs a positive rate');
    this.perSecond = perSecond;
    this.spacingMs = 1030 / perSecond;
    this.windowMs = 1000 + (options.marginMs ?? 60);
    this.clock = options.clock ?? Date.now;
    this.counted = options.counts;
  }

  /** Resolves when one more call may start; callers are let through in arrival order. */
  acquire(): Promise<void> {
    const arrivedAt = this.clock();
    const turn = this.queue.then(() => this.waitForTurn(arrivedAt));
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** A call the gate had to hold is counted as a wait, with how long it was held (its queueing included). */
  private async waitForTurn(arrivedAt: number): Promise<void> {
    for (let slept = false; ; slept = true) {
      const now = this.clock();
      while (this.head < this.starts.length && (this.starts[this.head] as number) <= now - this.windowMs) this.head += 1;
      if (this.head > 1024) {
        this.starts.splice(0, this.head);
        this.head = 0;
      }
      const windowFull = this.starts.length - this.head >= this.perSecond;
      const wait = windowFull ? (this.starts[this.head] as number) + this.windowMs - now : this.nextStart - now;
      if (wait <= 0) {
        this.starts.push(now);
        // Timers fire late by a millisecond or more, so a gate that slept each time would run
        // far below its rate; starts that fell behind may catch up, but never more than
        // CATCH_UP_MS worth at once, and an idle gate banks nothing for a later burst.
        this.nextStart = Math.max(this.nextStart + this.spacingMs, now - CATCH_UP_MS);
        const heldMs = now - arrivedAt;
        if (this.counted && slept) {
          metrics.add(Metric.RateLimitWaits, 1, this.counted);
          metrics.add(Metric.RateLimitWaitTime, heldMs, this.counted);
        }
        return;
      }
      await sleep(Math.max(1, wait));
    }
  }
}
