import type { ServerResponse } from 'node:http';

// Answers and request bodies, written and read the same way by every emulated service.

/** A string goes out as text (the pages of injected HTTP faults), anything else as JSON. */
export const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...headers });
  res.end(text);
};

/** The body as JSON, or undefined when it is not: each service answers that case its own way. */
export const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};
