import { writeFileSync } from 'node:fs';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';
import { liveHeapBytes } from './live-heap.ts';

// Test-only. Loaded (with --expose-gc) into the serverless-offline process the test stack runs,
// where Node also runs it in every function's worker thread. The process's RSS cannot tell a
// leak from garbage not yet collected: its workers' heaps climb for tens of seconds before a
// major collection brings them back (seen: +200 MB, then flat over 90 s of steady load). The
// live heap of every thread right after a full collection can. On SIGUSR2 each thread collects
// and reports its heap; the main thread writes them to LIVEGATE_MEMORY_PROBE_FILE.

interface ProbeMessage {
  type: 'collect' | 'heap';
  round: number;
  threadId?: number;
  heapUsedBytes?: number;
}

const channel = new BroadcastChannel('livegate-memory-probe');
// The probe must never be what keeps a thread alive: serverless-offline ends idle workers.
channel.unref();

if (!isMainThread) {
  channel.onmessage = async (event) => {
    const message = (event as { data: ProbeMessage }).data;
    if (message.type !== 'collect') return;
    const reply: ProbeMessage = { type: 'heap', round: message.round, threadId, heapUsedBytes: await liveHeapBytes() };
    channel.postMessage(reply);
  };
} else {
  const outputFile = process.env.LIVEGATE_MEMORY_PROBE_FILE;
  let round = 0;
  let workerHeaps = new Map<number, number>();
  channel.onmessage = (event) => {
    const message = (event as { data: ProbeMessage }).data;
    if (message.type === 'heap' && message.round === round) workerHeaps.set(message.threadId as number, message.heapUsedBytes as number);
  };
  process.on('SIGUSR2', () => {
    round += 1;
    workerHeaps = new Map();
    channel.postMessage({ type: 'collect', round } satisfies ProbeMessage);
    // Fifty workers each collecting twice share two cores: about a second; three leave room.
    setTimeout(async () => {
      if (!outputFile) return;
      const report = { round, mainHeapUsedBytes: await liveHeapBytes(), workerHeapUsedBytes: Object.fromEntries(workerHeaps) };
      writeFileSync(outputFile, JSON.stringify(report));
    }, 3000);
  });
}
