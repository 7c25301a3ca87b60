import { redact } from './redact.ts';

// One JSON object a line, so CloudWatch Logs Insights can query fields. Every line passes
// through redact(): callers cannot forget it.

type Level = 'debug' | 'info' | 'warn' | 'error';
const rank: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const threshold = (): number => rank[(process.env.LOG_LEVEL?.toLowerCase() as Level) ?? 'info'] ?? rank.info;

let baseFields: Record<string, unknown> = {};

export const setLogContext = (fields: Record<string, unknown>): void => {
  baseFields = fields;
};

const write = (level: Level, message: string, fields?: Record<string, unknown>): void => {
  if (rank[level] < threshold()) return;
  const line = redact({ level, time: new Date().toISOString(), message, ...baseFields, ...fields });
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
