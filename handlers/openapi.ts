import { createHash } from 'node:crypto';
import { composePlainHttp } from '#lib/compose/runtime.ts';
import type { Env } from '#lib/config/env.ts';
import { readJwtScopes } from '#lib/config/jwt-scopes.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { buildOpenApiDocument } from '#lib/openapi/document.ts';

// GET /openapi.json: the API's OpenAPI 3.1 description, built once per container from the same
// definitions the handlers validate with and the deployment's JWT scopes. It changes only with a
// deployment, so caches may keep it for a while and revalidate with its etag.

const composeOpenApi = (env: Env) => {
  const root = composePlainHttp(env);
  const document = JSON.stringify(buildOpenApiDocument(readJwtScopes(env)));
  const etag = `"${createHash('sha256').update(document).digest('base64url').slice(0, 32)}"`;
  return { ...root, document, etag, caching: { 'cache-control': 'public, max-age=300', etag } };
};

/** Whether an If-None-Match header names our version (a list, weak tags, or `*`). */
const isCurrent = (ifNoneMatch: string | undefined, etag: string): boolean =>
  ifNoneMatch?.split(',').some((tag) => ['*', etag, `W/${etag}`].includes(tag.trim())) === true;

export const handler = httpFunction(
  () => composeOpenApi(process.env),
  async ({ event }, { document, etag, caching }) => {
    if (isCurrent(event.headers?.['if-none-match'], etag)) return { statusCode: 304, text: '', headers: caching };
    return { text: document, headers: { 'content-type': 'application/json; charset=utf-8', ...caching } };
  },
);
