import type { LogLevel } from './config/runtime.ts';
import { redact } from './redact.ts';

// One JSON object a line, so CloudWatch Logs Insights can query fields. Every line passes
// through redact(): callers cannot forget it.

type Level = LogLevel;
const rank: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

// Set by each function's composition root from its configuration; info until then.
let threshold = rank.info;

export const setLogLevel = (level: LogLevel): void => {
  threshold = rank[level];
};

const write = (level: Level, message: string, fields?: Record<string, unknown>): void => {
  if (rank[level] < threshold) return;
  const line = redact({ level, time: new Date().toISOString(), message, ...fields });
  const text = JSON.stringify(line);
  if (level === 'error' || level === 'warn') process.stderr.write(`${text}\n`);
  else process.stdout.write(`${text}\n`);
};

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
