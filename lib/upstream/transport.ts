// The one HTTP call every upstream request goes through. `sendRequest` (http.ts) owns the time
// budget and turns errors into failure kinds; a transport only sends and reads.

/** The response headers, read by name (case-insensitive); `Headers` has this shape too. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface TransportRequest {
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Aborts the call, including reading the body; the transport then rejects. */
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: ResponseHeaders;
  /** The whole body, as UTF-8 text. */
  text: string;
}

/** Rejects when the upstream cannot be reached, the connection breaks or `signal` aborts. */
export type Transport = (url: string, request: TransportRequest) => Promise<TransportResponse>;

// Node's built-in fetch keeps connections alive per origin, so a warm Lambda reuses its TLS
// sessions to the upstream; nothing to configure.
export const transport: Transport = async (url, { method, headers, body, signal }) => {
  const response = await fetch(url, { method, headers, body: body ?? null, signal });
  return { status: response.status, headers: response.headers, text: await response.text() };
};
