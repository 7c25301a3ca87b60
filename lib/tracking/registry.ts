import type { Target } from '#lib/snapshots/targets.ts';
import type { TrackedTarget, TrackingSource } from './tracked-target.ts';

// The tracking registry, behind an interface so the routes, the callbacks and the snapshot run do
// not depend on DynamoDB; the adapter is registry-dynamodb.ts.

export type TargetKind = Target['kind'];

export interface RegistryPage {
  items: TrackedTarget[];
  /** Where the next page starts (the last key read) when more may follow. */
  after: string | undefined;
}

export interface TrackingRegistry {
  /** Adds or renews one source of a target (creating the target); answers the target as it now is. */
  addSource(target: Target, source: TrackingSource, expiresAt: number | null, now: number): Promise<TrackedTarget>;
  /** Ends sources of a target; the target is forgotten once no source is in force. Answers what is left. */
  removeSources(target: Target, sources: readonly TrackingSource[], now: number): Promise<TrackedTarget>;
  /** Stored targets of one kind in key order, whatever their sources' expiry. */
  page(kind: TargetKind, options: { limit?: number; after?: string | undefined; signal?: AbortSignal }): Promise<RegistryPage>;
  /** Every stored target of one kind, and how many reads that took. */
  readAll(kind: TargetKind): Promise<{ items: TrackedTarget[]; reads: number }>;
  /** Remembers a provider event for `ttlSeconds`; false when it was remembered already. */
  rememberEvent(provider: string, eventId: string, ttlSeconds: number, now: number): Promise<boolean>;
  /** Forgets a remembered event, so the provider's retry of an event we failed to apply is applied. */
  forgetEvent(provider: string, eventId: string): Promise<void>;
}
