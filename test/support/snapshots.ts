import { createTencentClient, createVolcClient } from '../../lib/services.ts';
import type { SnapshotSettings } from '../../lib/snapshots/run.ts';
import { DynamoSnapshotStore } from '../../lib/snapshots/store-dynamodb.ts';
import { RateGate } from '../../lib/upstream/rate-gate.ts';
import { localAwsEnvironment, upstreamEnvironment } from '../../support/local-aws.ts';
import { emulatorUrl } from './http.ts';

// The snapshot run's parts wired in-process to the suite's emulator and dynalite.

export const dynamoEndpoint = (): string => {
  const endpoint = process.env.LIVEGATE_DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('LIVEGATE_DYNAMODB_ENDPOINT is not set');
  return endpoint;
};

export const useLocalAws = (): void => {
  Object.assign(process.env, localAwsEnvironment(emulatorUrl(), dynamoEndpoint()));
};

export const localStore = () => new DynamoSnapshotStore({ tableName: process.env.LIVEGATE_TABLE as string, retentionDays: 30 });

const clientEnv = () => ({ ...upstreamEnvironment(emulatorUrl()), UPSTREAM_ATTEMPT_TIMEOUT_MS: '800' });

export const snapshotClients = (tencentPerSecond: number, volcPerSecond: number) => ({
  tencent: createTencentClient(clientEnv(), undefined, {
    get_online_member_num: new RateGate(tencentPerSecond),
    get_appid_group_list: new RateGate(10),
  }),
  volc: createVolcClient(clientEnv(), undefined, new RateGate(volcPerSecond)),
});

export const settings = (overrides: Partial<SnapshotSettings>): SnapshotSettings => ({
  intervalSeconds: 1,
  windowSeconds: 3,
  discovery: true,
  groups: [],
  rooms: [],
  tencentRatePerSecond: 150,
  volcRatePerSecond: 30,
  maxInFlight: 64,
  ...overrides,
});
