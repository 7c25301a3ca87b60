// A request's time budget. Every upstream attempt and every backoff sleep is cut to what is
// left, so a handler answers (even if only with UPSTREAM_TIMEOUT) before Lambda kills it.

export class Deadline {
  readonly endsAt: number;
  private readonly clock: () => number;

  constructor(endsAt: number, clock: () => number = Date.now) {
    this.endsAt = endsAt;
    this.clock = clock;
  }

  static after(ms: number, clock: () => number = Date.now): Deadline {
    return new Deadline(clock() + Math.max(0, ms), clock);
  }

  /**
   * From a Lambda context: what Lambda grants minus a reserve for answering, capped by our own
   * budget when one is set. Outside Lambda (no remaining time to read) the budget, or 8 s.
   */
  static forInvocation(remainingMs: number | undefined, budgetMs: number | undefined, reserveMs: number): Deadline {
    const lambdaLeft = remainingMs === undefined ? (budgetMs ?? 8000) : remainingMs - reserveMs;
    return Deadline.after(Math.min(budgetMs ?? Number.POSITIVE_INFINITY, lambdaLeft));
  }

  remainingMs(): number {
    return Math.max(0, Math.floor(this.endsAt - this.clock()));
  }

  expired(): boolean {
    return this.remainingMs() <= 0;
  }
}
