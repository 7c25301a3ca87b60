import { buildTencentClient, buildVolcClient, type ClientOptions } from '#lib/compose/clients.ts';
import type { TencentConfig, VolcConfig } from '#lib/config/providers.ts';
import type { RuntimeConfig } from '#lib/config/runtime.ts';
import { perShardRate, type SnapshotSettings } from '#lib/config/snapshots.ts';
import type { Deadline } from '#lib/deadline.ts';
import { fetchOnlineCount } from '#lib/groups/online-count.ts';
import { fetchRoomOnlineUsers } from '#lib/rooms/online-users.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';
import { RateGate } from '#lib/upstream/rate-gate.ts';
import type { VolcRtcClient } from '#lib/volc/client.ts';
import type { SnapshotRecord } from './store.ts';
import type { Target } from './targets.ts';

// The upstream side of a snapshot run: one client per configured provider, behind a rate gate
// sized to this shard's share of the deployment's budget. The plan reads the rate from the same
// gate, so what is planned and what is let through cannot drift apart.

export interface SnapshotProvider<Client> {
  client: Client;
  /** The sampling API's gate. */
  gate: RateGate;
  /** The audience push's gate (send_group_msg, SendBroadcast); none while pushes are off. */
  pushGate: RateGate | undefined;
}

export interface SnapshotProviders {
  tencent: SnapshotProvider<TencentChatClient> | undefined;
  volc: SnapshotProvider<VolcRtcClient> | undefined;
}

export interface ProviderConfigs {
  runtime: RuntimeConfig;
  settings: SnapshotSettings;
  tencent: TencentConfig | undefined;
  volc: VolcConfig | undefined;
}

// Discovery reads a few pages a minute; its gate only keeps a bug from turning into a flood.
const DISCOVERY_PER_SECOND = 10;

/** The one way the snapshot function, the tests and the benchmarks build a shard's providers. */
export const buildSnapshotProviders = (configs: ProviderConfigs, shardCount: number, options: ClientOptions): SnapshotProviders => {
  const { runtime, settings } = configs;
  const { broadcast } = settings;
  const pushGate = (mode: string, totalPerSecond: number, counts: { upstream: 'tencent-im' | 'volcengine-rtc'; api: string }) =>
    mode === 'off' ? undefined : new RateGate(perShardRate(totalPerSecond, shardCount), { counts });
  let tencent: SnapshotProvider<TencentChatClient> | undefined;
  if (configs.tencent) {
    const gate = new RateGate(perShardRate(settings.tencentRatePerSecond, shardCount), { counts: { upstream: 'tencent-im', api: 'get_online_member_num' } });
    const push = pushGate(broadcast.tencentMode, broadcast.tencentRatePerSecond, { upstream: 'tencent-im', api: 'send_group_msg' });
    const discoveryGate = new RateGate(DISCOVERY_PER_SECOND, { counts: { upstream: 'tencent-im', api: 'get_appid_group_list' } });
    const rateGates = { get_online_member_num: gate, get_appid_group_list: discoveryGate, ...(push ? { send_group_msg: push } : {}) };
    tencent = { client: buildTencentClient(configs.tencent, runtime, { ...options, rateGates }), gate, pushGate: push };
  }
  let volc: SnapshotProvider<VolcRtcClient> | undefined;
  if (configs.volc) {
    const gate = new RateGate(perShardRate(settings.volcRatePerSecond, shardCount), { counts: { upstream: 'volcengine-rtc', api: 'GetRoomOnlineUsers' } });
    const push = pushGate(broadcast.volcMode, broadcast.volcRatePerSecond, { upstream: 'volcengine-rtc', api: 'SendBroadcast' });
    const rateGates = { GetRoomOnlineUsers: gate, ...(push ? { SendBroadcast: push } : {}) };
    volc = { client: buildVolcClient(configs.volc, runtime, { ...options, rateGates }), gate, pushGate: push };
  }
  return { tencent, volc };
};

/** One sample; `gone` when upstream says the target does not exist (a room not, or no longer, live). */
export interface Sample {
  values: NonNullable<SnapshotRecord['values']>;
  gone: boolean;
}

export type Sampler = (target: Target, deadline: Deadline) => Promise<Sample>;

// A group that does not exist fails (10010) and is stored as a gap: its count is unknown, not 0.
export const groupSampler =
  (client: TencentChatClient): Sampler =>
  async (target, deadline) => {
    if (target.kind !== 'group') throw new TypeError(`not a group: ${target.kind}`);
    return { values: { onlineCount: (await fetchOnlineCount(client, target.groupId, deadline)).onlineCount }, gone: false };
  };

// A room that does not exist has no one in it: Volcengine answers zeros, stored as a sample.
export const roomSampler =
  (client: VolcRtcClient): Sampler =>
  async (target, deadline) => {
    if (target.kind !== 'room') throw new TypeError(`not a room: ${target.kind}`);
    const users = await fetchRoomOnlineUsers(client, target.appId, target.roomId, deadline);
    return { values: { totalUsers: users.totalUsers, totalInvisibleUsers: users.totalInvisibleUsers }, gone: !users.roomExists };
  };
