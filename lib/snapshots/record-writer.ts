import type { SnapshotRecord, SnapshotStore } from './store.ts';

// Step 4 of a run: store what sampling produced while sampling goes on. Writes run in the
// background so a slow table never delays the next tick; the run waits for all of them at the end.

export class RecordWriter {
  samplesWritten = 0;
  gapsWritten = 0;
  readonly gapsByReason: Record<string, number> = {};
  private readonly pending: Array<Promise<void>> = [];
  private readonly store: SnapshotStore;
  private readonly giveUpAt: number;

  constructor(store: SnapshotStore, giveUpAt: number) {
    this.store = store;
    this.giveUpAt = giveUpAt;
  }

  write(samples: SnapshotRecord[], gaps: SnapshotRecord[]): void {
    for (const gap of gaps) this.gapsByReason[gap.gap as string] = (this.gapsByReason[gap.gap as string] ?? 0) + 1;
    this.pending.push(
      (async () => {
        if (samples.length > 0) {
          await this.store.putSamples(samples, this.giveUpAt);
          this.samplesWritten += samples.length;
        }
        if (gaps.length > 0) this.gapsWritten += await this.store.putGapsIfAbsent(gaps, this.giveUpAt);
      })(),
    );
  }

  /** Waits for every write; answers the failures, so the run can report them after its summary. */
  async settle(): Promise<unknown[]> {
    const results = await Promise.allSettled(this.pending);
    return results.filter((result): result is PromiseRejectedResult => result.status === 'rejected').map((result) => result.reason);
  }
}
