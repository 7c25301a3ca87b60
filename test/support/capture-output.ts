import { appendFileSync } from 'node:fs';

// Tees everything the test process writes (logs of in-process library code, console) into the
// suite's log file, which the leak scan reads after the run.
const file = process.env.LIVEGATE_TEST_LOG;
const marker = Symbol.for('livegate.capture');
const streams = [process.stdout, process.stderr] as Array<NodeJS.WriteStream & { [marker]?: boolean }>;
if (file) {
  for (const stream of streams) {
    if (stream[marker]) continue;
    stream[marker] = true;
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      try {
        appendFileSync(file, typeof chunk === 'string' ? chunk : Buffer.from(chunk));
      } catch {
        // the log is best effort; the test itself must not fail for it
      }
      return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  }
}
