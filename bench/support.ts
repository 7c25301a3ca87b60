import { cpus, totalmem } from 'node:os';

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};

export const median = (values: number[]): number => percentile(values, 50);

export const machine = (): string => {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${process.platform} ${process.arch}, Node ${process.version}`;
};

export const table = (header: string[], rows: Array<Array<string | number>>): string => {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
};

export const ms = (value: number): string => `${value.toFixed(1)} ms`;
export const us = (value: number): string => `${value.toFixed(0)} µs`;
export const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;
export const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** Progress on stderr, so long runs show they are alive without cluttering the results. */
export const progress = (text: string): void => {
  process.stderr.write(`[bench] ${text}\n`);
};
