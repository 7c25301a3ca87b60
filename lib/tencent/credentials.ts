import { parseJsonSecret } from '#lib/secrets.ts';

export interface TencentCredentials {
  sdkAppId: number;
  secretKey: string;
  adminIdentifier: string;
  /** The token Tencent signs its callbacks with; callbacks are refused while it is not set. */
  callbackToken?: string | undefined;
}

export const parseTencentSecret = (raw: string): TencentCredentials => {
  const fields = parseJsonSecret('tencent', ['sdkAppId', 'secretKey', 'adminIdentifier'] as const, raw, ['callbackToken'] as const);
  return { sdkAppId: Number(fields.sdkAppId), secretKey: fields.secretKey, adminIdentifier: fields.adminIdentifier, callbackToken: fields.callbackToken };
};
