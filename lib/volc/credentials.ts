import { parseJsonSecret } from '../secrets.ts';

export interface VolcSecret {
  accessKeyId: string;
  secretAccessKey: string;
  rtcAppId: string;
}

export const parseVolcSecret = (raw: string): VolcSecret =>
  parseJsonSecret('volcengine', ['accessKeyId', 'secretAccessKey', 'rtcAppId'] as const, raw);
