import type { Transport } from '#lib/upstream/transport.ts';

// Bench variant: Node's built-in fetch (undici), which keeps connections alive per origin by
// itself. This was the shipped transport before the comparison in bench/ANALYSIS.md.

export const transport: Transport = async (url, { method, headers, body, signal }) => {
  const response = await fetch(url, { method, headers, body: body ?? null, signal });
  return { status: response.status, headers: response.headers, text: await response.text() };
};
