import type { Env } from '#lib/config/env.ts';
import { readDefaultRtcAppId, readTencentConfig, readVolcConfig } from '#lib/config/providers.ts';
import type { RuntimeConfig } from '#lib/config/runtime.ts';
import type { TencentChatClient } from '#lib/tencent/client.ts';
import type { VolcRtcClient } from '#lib/volc/client.ts';
import { buildTencentClient, buildVolcClient, secretSourceFrom } from './clients.ts';
import { prefetch, runtimeOf } from './runtime.ts';

// Composition roots of the functions that call a provider and touch no table.

export interface TencentApiFunction {
  runtime: RuntimeConfig;
  tencent: TencentChatClient;
  memberPageSize: number;
}

export const composeTencentApi = (env: Env): TencentApiFunction => {
  const runtime = runtimeOf(env);
  const config = readTencentConfig(env);
  const tencent = buildTencentClient(config, runtime, { source: secretSourceFrom(env) });
  prefetch(() => tencent.warm());
  return { runtime, tencent, memberPageSize: config.memberPageSize };
};

export interface VolcApiFunction {
  runtime: RuntimeConfig;
  volc: VolcRtcClient;
  defaultRtcAppId: string | undefined;
}

export const composeVolcApi = (env: Env): VolcApiFunction => {
  const runtime = runtimeOf(env);
  const volc = buildVolcClient(readVolcConfig(env), runtime, { source: secretSourceFrom(env) });
  prefetch(() => volc.warm());
  return { runtime, volc, defaultRtcAppId: readDefaultRtcAppId(env) };
};
