import { parseJsonSecret } from '#lib/secrets.ts';

export interface VolcSecret {
  accessKeyId: string;
  secretAccessKey: string;
  /** The key Volcengine signs its callbacks with; callbacks are refused while it is not set. */
  callbackSecret?: string | undefined;
}

export const parseVolcSecret = (raw: string): VolcSecret =>
  parseJsonSecret('volcengine', ['accessKeyId', 'secretAccessKey'] as const, raw, ['callbackSecret'] as const);
