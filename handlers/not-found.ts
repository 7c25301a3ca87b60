import { composePlainHttp } from '#lib/compose/runtime.ts';
import { ApiError } from '#lib/http/api-error.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { allowedMethods } from '#lib/http/routes.ts';

// API Gateway's $default route: anything no other route matched gets the contract's JSON
// error instead of API Gateway's own plain "Not Found".
export const handler = httpFunction(
  () => composePlainHttp(process.env),
  async ({ event }) => {
    const allowed = allowedMethods(event.rawPath ?? '/');
    if (allowed.length > 0) {
      throw new ApiError('METHOD_NOT_ALLOWED', `This path accepts ${allowed.join(', ')} only.`, { headers: { allow: allowed.join(', ') } });
    }
    throw new ApiError('NOT_FOUND', 'No such route.');
  },
);
