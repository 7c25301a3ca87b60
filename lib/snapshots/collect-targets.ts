import type { Deadline } from '#lib/deadline.ts';
import { log } from '#lib/log.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';
import type { TargetKind, TrackingRegistry } from '#lib/tracking/registry.ts';
import { activeSources, TRACKING_SOURCES, type TrackedTarget, type TrackingSource } from '#lib/tracking/tracked-target.ts';
import { discoverLiveGroups } from './discovery.ts';
import { gapReason } from './gap-reason.ts';
import { inShard, type Shard, type Target, targetKey, uniqueTargets } from './targets.ts';

// Step 1 of a run: what this shard samples, the union of every source: configured targets, the
// live-stream groups discovery finds, and the registry's targets tracked by the API or by the
// providers' callbacks. The registry is read once (one paged Query a kind) and is also told what
// the run found, so GET /v1/tracking lists exactly what the run samples: discovery and
// configuration become sources there, and targets whose sources all lapsed are forgotten. When
// discovery fails, the groups the registry holds from the last discovery are sampled instead.

export interface DiscoverySummary {
  enabled: boolean;
  ok: boolean;
  groups: number;
  pages: number;
  error?: string;
}

/** A change that makes the registry show this run's sources for one target. */
export interface RegistryChange {
  target: Target;
  add: TrackingSource[];
  remove: TrackingSource[];
}

export interface ShardTargets {
  groups: Target[];
  rooms: Target[];
  discovery: DiscoverySummary;
  /** Targets of this shard per source; a target tracked for two reasons counts twice. */
  bySource: Record<TrackingSource, number>;
  registryReads: number;
  registryChanges: RegistryChange[];
  /** The registry's view of this shard's targets, by target key. */
  tracked: Map<string, TrackedTarget>;
}

export interface TargetSources {
  configuredGroups: Target[];
  configuredRooms: Target[];
  /** Groups and rooms are collected only for providers the run has. */
  kinds: TargetKind[];
  /** Discovery runs when a client is given. */
  discoveryClient: TencentChatClient | undefined;
  registry: TrackingRegistry;
  /** Discovery must be done by then, so sampling can start on time. */
  discoveryDeadline: Deadline;
  now: number;
}

const discover = async (sources: TargetSources): Promise<{ groups: Target[] | undefined; summary: DiscoverySummary }> => {
  const summary: DiscoverySummary = { enabled: sources.discoveryClient !== undefined, ok: true, groups: 0, pages: 0 };
  if (!sources.discoveryClient) return { groups: [], summary };
  try {
    const found = await discoverLiveGroups(sources.discoveryClient, sources.discoveryDeadline);
    return { groups: found.groups, summary: { ...summary, groups: found.groups.length, pages: found.pages } };
  } catch (error) {
    log.error('group discovery failed; sampling configured groups and those the last discovery found', { error });
    return { groups: undefined, summary: { ...summary, ok: false, error: gapReason(error) } };
  }
};

export const collectTargets = async (sources: TargetSources, shard: Shard): Promise<ShardTargets> => {
  const { now, registry } = sources;
  const ours = (target: Target) => sources.kinds.includes(target.kind) && inShard(target, shard);
  let registryReads = 0;
  const tracked = new Map<string, TrackedTarget>();
  for (const kind of sources.kinds) {
    const read = await registry.readAll(kind);
    registryReads += read.reads;
    for (const item of read.items) if (inShard(item.target, shard)) tracked.set(targetKey(item.target), item);
  }
  const discovered = await discover(sources);

  // What each source the run owns should hold now. Discovery that is off holds nothing; discovery
  // that failed is left undefined: the registry keeps what the last discovery found.
  const wanted: Partial<Record<TrackingSource, Map<string, Target>>> = {
    config: new Map([...sources.configuredGroups, ...sources.configuredRooms].filter(ours).map((target) => [targetKey(target), target])),
  };
  if (discovered.groups) wanted.discovery = new Map(discovered.groups.filter(ours).map((target) => [targetKey(target), target]));

  const everyTarget = new Map<string, Target>([...tracked].map(([key, item]) => [key, item.target]));
  for (const targets of Object.values(wanted)) for (const [key, target] of targets) everyTarget.set(key, target);
  const union: Target[] = [];
  const changes: RegistryChange[] = [];
  const bySource = Object.fromEntries(TRACKING_SOURCES.map((source) => [source, 0])) as Record<TrackingSource, number>;
  for (const [key, target] of everyTarget) {
    const item = tracked.get(key);
    const inForce = item ? activeSources(item, now) : [];
    const sourcesNow = TRACKING_SOURCES.filter((source) => wanted[source]?.has(key) ?? inForce.includes(source));
    // The run adds only the sources it owns; it removes whatever no longer holds, lapsed ones included.
    const add = sourcesNow.filter((source) => wanted[source] !== undefined && !inForce.includes(source));
    const remove = (Object.keys(item?.sources ?? {}) as TrackingSource[]).filter((source) => !sourcesNow.includes(source));
    if (add.length + remove.length > 0) changes.push({ target, add, remove });
    if (sourcesNow.length === 0) continue;
    union.push(target);
    for (const source of sourcesNow) bySource[source] += 1;
  }
  const targets = uniqueTargets(union);
  return {
    groups: targets.filter((target) => target.kind === 'group'),
    rooms: targets.filter((target) => target.kind === 'room'),
    discovery: discovered.summary,
    bySource,
    registryReads,
    registryChanges: changes,
    tracked,
  };
};
