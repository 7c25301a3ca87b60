import { type Env, EnvReader } from './env.ts';

// The tracking registry and how long what the providers tell us keeps a target tracked.

export interface TrackingConfig {
  tableName: string;
  /** A callback source lapses this long after the last event of its target. */
  idleMs: number;
  /** Ticks in a row a tracked target must be gone upstream before the run stops tracking it. */
  dropAfterTicks: number;
}

export const readTrackingConfig = (env: Env): TrackingConfig => {
  const read = new EnvReader(env);
  return {
    tableName: read.required('TRACKING_TABLE'),
    idleMs: read.number('TRACKING_IDLE_HOURS', { fallback: 6, min: 1, max: 720 }) * 3_600_000,
    dropAfterTicks: read.number('TRACKING_DROP_AFTER_TICKS', { fallback: 3, min: 1, max: 360 }),
  };
};
