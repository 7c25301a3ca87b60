// What the scheduled function samples: live-stream groups and RTC rooms, each stored under
// one partition key so a history query is one Query on one partition.

export type Target = { kind: 'group'; groupId: string } | { kind: 'room'; appId: string; roomId: string };

export const targetKey = (target: Target): string => (target.kind === 'group' ? `G#${target.groupId}` : `R#${target.appId}#${target.roomId}`);

/** FNV-1a: a stable spread of targets over shards, the same in every invocation and deployment. */
const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
};

export interface Shard {
  index: number;
  count: number;
}

export const inShard = (target: Target, shard: Shard): boolean => fnv1a(targetKey(target)) % shard.count === shard.index;

/** Removes repeats (a configured group that discovery also found) and orders targets by key. */
export const uniqueTargets = (targets: Target[]): Target[] => {
  const byKey = new Map<string, Target>();
  for (const target of targets) byKey.set(targetKey(target), target);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, target]) => target);
};

/** Configured room entries are `roomId` (the default AppId) or `appId:roomId`. */
export const parseRoomList = (entries: readonly string[], defaultAppId: string | undefined): Target[] =>
  entries.map((entry) => {
    const colon = entry.indexOf(':');
    const appId = colon > 0 ? entry.slice(0, colon) : defaultAppId;
    const roomId = colon > 0 ? entry.slice(colon + 1) : entry;
    if (!appId) throw new Error(`room "${entry}" names no AppId and no default RTC AppId is configured`);
    return { kind: 'room', appId, roomId } as const;
  });

export const parseGroupList = (entries: readonly string[]): Target[] => entries.map((groupId) => ({ kind: 'group', groupId }) as const);
