import { parseJsonSecret } from '../secrets.ts';

export interface TencentCredentials {
  sdkAppId: number;
  secretKey: string;
  adminIdentifier: string;
}

export const parseTencentSecret = (raw: string): TencentCredentials => {
  const fields = parseJsonSecret('tencent', ['sdkAppId', 'secretKey', 'adminIdentifier'] as const, raw);
  return { sdkAppId: Number(fields.sdkAppId), secretKey: fields.secretKey, adminIdentifier: fields.adminIdentifier };
};
