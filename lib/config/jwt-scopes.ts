import { ConfigError, type Env, EnvReader } from './env.ts';

// The JWT scopes of authMode=jwt, as serverless.yml's jwtReadScope and jwtAdminScope params set
// them. API Gateway enforces them; livegate only names them (the OpenAPI description), so a
// deployment with its own scopes must describe its own, not the defaults. They are not secrets.

export interface JwtScopes {
  read: string;
  admin: string;
}

/** serverless.yml's defaults, and what an unset variable (a local run) means. */
export const DEFAULT_JWT_SCOPES: JwtScopes = { read: 'livegate/read', admin: 'livegate/admin' };

// RFC 6749 §3.3: a scope token is printable ASCII without space, `"` and `\`.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

const scope = (read: EnvReader, name: string, fallback: string): string => {
  const value = read.text(name) ?? fallback;
  if (!SCOPE_TOKEN.test(value)) throw new ConfigError(`${name} must be one OAuth scope (printable, no spaces or quotes), got "${value}"`);
  return value;
};

export const readJwtScopes = (env: Env): JwtScopes => {
  const read = new EnvReader(env);
  return { read: scope(read, 'JWT_READ_SCOPE', DEFAULT_JWT_SCOPES.read), admin: scope(read, 'JWT_ADMIN_SCOPE', DEFAULT_JWT_SCOPES.admin) };
};
