import { secretSourceFrom } from '#lib/compose/clients.ts';
import { ConfigError, type Env } from '#lib/config/env.ts';
import { readMetricsConfig } from '#lib/config/metrics.ts';
import { readOptionalTencentConfig, readOptionalVolcConfig } from '#lib/config/providers.ts';
import { readRuntimeConfig } from '#lib/config/runtime.ts';
import { readSnapshotSettings, readStorageConfig } from '#lib/config/snapshots.ts';
import { readTrackingConfig } from '#lib/config/tracking.ts';
import { log, setLogLevel } from '#lib/log.ts';
import { configureMetrics } from '#lib/metrics/recorder.ts';
import type { SecretSource } from '#lib/secrets.ts';
import { DynamoTrackingRegistry } from '#lib/tracking/registry-dynamodb.ts';
import { emptyPushMemory } from './audience-sync.ts';
import { emptyGoneMemory } from './gone-targets.ts';
import { buildSnapshotProviders, type ProviderConfigs, type SnapshotProviders } from './providers.ts';
import { emptyRollupMemory } from './rollup-writer.ts';
import type { SnapshotDependencies } from './run.ts';
import { DynamoSnapshotStore } from './store-dynamodb.ts';

// The snapshot function's composition root. Configuration is read once, at init, and any error
// in it stops the function there: a mistyped region must fail loudly, never quietly turn the
// sampling of a provider off. A provider is off only when its secret is not named at all.

export interface SnapshotFunction {
  /** The run's dependencies for a schedule of `shardCount` shards (its providers are built once per count). */
  dependenciesFor: (shardCount: number) => Omit<SnapshotDependencies, 'invocationEndsAt'>;
}

export const readProviderConfigs = (env: Env): ProviderConfigs => {
  const configs: ProviderConfigs = {
    runtime: readRuntimeConfig(env),
    settings: readSnapshotSettings(env),
    tencent: readOptionalTencentConfig(env),
    volc: readOptionalVolcConfig(env),
  };
  if (!configs.tencent && configs.settings.groups.length > 0) throw new ConfigError('SNAPSHOT_GROUP_IDS names groups but TENCENT_SECRET_ID is not set');
  if (!configs.volc && configs.settings.rooms.length > 0) throw new ConfigError('SNAPSHOT_ROOM_IDS names rooms but VOLC_SECRET_ID is not set');
  return configs;
};

export const composeSnapshot = (env: Env, options: { source?: SecretSource } = {}): SnapshotFunction => {
  // First, as in every function (lib/compose/runtime.ts), so nothing that fails after it counts in the wrong namespace.
  configureMetrics(readMetricsConfig(env));
  const configs = readProviderConfigs(env);
  setLogLevel(configs.runtime.logLevel);
  if (!configs.tencent && !configs.volc) log.warn('neither TENCENT_SECRET_ID nor VOLC_SECRET_ID is set: nothing to sample');
  const store = new DynamoSnapshotStore(readStorageConfig(env));
  const tracking = readTrackingConfig(env);
  const registry = new DynamoTrackingRegistry(tracking);
  const clientOptions = { source: options.source ?? secretSourceFrom(env) };
  // Gone ticks in a row are counted across the runs a warm container makes.
  const goneMemory = emptyGoneMemory();
  const pushMemory = emptyPushMemory();
  const rollupMemory = emptyRollupMemory();
  let built: { shardCount: number; providers: SnapshotProviders } | undefined;
  return {
    dependenciesFor: (shardCount) => {
      if (built?.shardCount !== shardCount) built = { shardCount, providers: buildSnapshotProviders(configs, shardCount, clientOptions) };
      return {
        providers: built.providers,
        store,
        registry,
        settings: configs.settings,
        dropAfterTicks: tracking.dropAfterTicks,
        goneMemory,
        pushMemory,
        rollupMemory,
      };
    },
  };
};
