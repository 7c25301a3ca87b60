import { createHash } from 'node:crypto';
import { composePlainHttp } from '#lib/compose/runtime.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { buildOpenApiDocument } from '#lib/openapi/document.ts';

// GET /openapi.json: the API's OpenAPI 3.1 description, built once per container from the same
// definitions the handlers validate with. It changes only with a deployment, so caches may keep
// it for a while and revalidate with its etag.

const DOCUMENT = JSON.stringify(buildOpenApiDocument());
const ETAG = `"${createHash('sha256').update(DOCUMENT).digest('base64url').slice(0, 32)}"`;
const CACHING = { 'cache-control': 'public, max-age=300', etag: ETAG };

/** Whether an If-None-Match header names our version (a list, weak tags, or `*`). */
const isCurrent = (ifNoneMatch: string | undefined): boolean => ifNoneMatch?.split(',').some((tag) => ['*', ETAG, `W/${ETAG}`].includes(tag.trim())) === true;

export const handler = httpFunction(
  () => composePlainHttp(process.env),
  async ({ event }) => {
    if (isCurrent(event.headers?.['if-none-match'])) return { statusCode: 304, text: '', headers: CACHING };
    return { text: DOCUMENT, headers: { 'content-type': 'application/json; charset=utf-8', ...CACHING } };
  },
);
