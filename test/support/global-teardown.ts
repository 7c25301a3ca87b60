import { scanFiles } from './leak-scan.ts';
import { SECRETS_UNDER_TEST } from './secrets-under-test.ts';

export default async function globalTeardown(): Promise<void> {
  const shared = globalThis as { livegateStack?: { stop: () => Promise<void> }; livegateProxy?: { close: () => Promise<void> } };
  await shared.livegateStack?.stop();
  await shared.livegateProxy?.close();
  // Every log line of the run (the functions', the test process's) and every API answer body.
  const files = [process.env.LIVEGATE_OFFLINE_LOG, process.env.LIVEGATE_TEST_LOG, process.env.LIVEGATE_RESPONSES_LOG].filter((file): file is string =>
    Boolean(file),
  );
  const leaks = scanFiles(files, SECRETS_UNDER_TEST);
  if (leaks.length > 0) {
    throw new Error(
      `credentials leaked into logs or answers:\n${leaks
        .slice(0, 20)
        .map((leak) => `  ${leak.file}:${leak.line}: ${leak.kind}`)
        .join('\n')}`,
    );
  }
  process.stdout.write(`leak scan: ${files.length} files, no credential found\n`);
}
