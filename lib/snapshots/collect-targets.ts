import { Deadline } from '../deadline.ts';
import { log } from '../log.ts';
import type { TencentChatClient } from '../tencent/client.ts';
import { discoverLiveGroups } from './discovery.ts';
import { gapReason } from './gap-reason.ts';
import { type Shard, type Target, inShard, uniqueTargets } from './targets.ts';

// Step 1 of a run: what this shard samples. Configured targets, plus the live-stream groups
// discovery finds; when discovery fails, the groups it found last time (kept by the caller, who
// decides how long that memory lives: a warm container's lifetime in the snapshot function).

export interface DiscoveryMemory {
  lastFound: Target[];
}

export interface DiscoverySummary {
  enabled: boolean;
  ok: boolean;
  groups: number;
  pages: number;
  error?: string;
}

export interface ShardTargets {
  groups: Target[];
  rooms: Target[];
  discovery: DiscoverySummary;
}

export interface TargetSources {
  configuredGroups: Target[];
  configuredRooms: Target[];
  /** Discovery runs when a client is given. */
  discoveryClient: TencentChatClient | undefined;
  memory: DiscoveryMemory;
  /** Discovery must be done by then, so sampling can start on time. */
  discoveryDeadline: Deadline;
}

const discover = async (sources: TargetSources): Promise<{ groups: Target[]; summary: DiscoverySummary }> => {
  const summary: DiscoverySummary = { enabled: sources.discoveryClient !== undefined, ok: true, groups: 0, pages: 0 };
  if (!sources.discoveryClient) return { groups: [], summary };
  try {
    const found = await discoverLiveGroups(sources.discoveryClient, sources.discoveryDeadline);
    sources.memory.lastFound = found.groups;
    return { groups: found.groups, summary: { ...summary, groups: found.groups.length, pages: found.pages } };
  } catch (error) {
    const previouslyFound = sources.memory.lastFound;
    log.error('group discovery failed; sampling configured and previously found groups', { error, previouslyFound: previouslyFound.length });
    return { groups: previouslyFound, summary: { ...summary, ok: false, error: gapReason(error) } };
  }
};

export const collectTargets = async (sources: TargetSources, shard: Shard): Promise<ShardTargets> => {
  const discovered = await discover(sources);
  const forShard = (targets: Target[]) => uniqueTargets(targets).filter((target) => inShard(target, shard));
  return {
    groups: forShard([...sources.configuredGroups, ...discovered.groups]),
    rooms: forShard(sources.configuredRooms),
    discovery: discovered.summary,
  };
};
