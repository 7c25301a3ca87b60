import { parseJsonSecret } from '../secrets.ts';

export interface VolcSecret {
  accessKeyId: string;
  secretAccessKey: string;
}

export const parseVolcSecret = (raw: string): VolcSecret =>
  parseJsonSecret('volcengine', ['accessKeyId', 'secretAccessKey'] as const, raw);
