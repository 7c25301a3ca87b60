import { readFileSync } from 'node:fs';
import { ConfigError, EnvReader } from '#lib/config/env.ts';
import { METRICS_NAMESPACE_PATTERN, readMetricsConfig } from '#lib/config/metrics.ts';
import { readRuntimeConfig } from '#lib/config/runtime.ts';
import { perShardRate } from '#lib/config/snapshots.ts';
import { readProviderConfigs } from '#lib/snapshots/compose.ts';
import { writeDeadline } from '#lib/snapshots/run.ts';

const SNAPSHOT_ENV = {
  SNAPSHOT_TABLE: 'table',
  TENCENT_SECRET_ID: 'livegate/tencent',
  VOLC_SECRET_ID: 'livegate/volcengine',
};

describe('the snapshot function reads its configuration once and fails loudly', () => {
  test('both providers configured', () => {
    const configs = readProviderConfigs({ ...SNAPSHOT_ENV, TENCENT_REGION: 'singapore', RTC_APP_ID: 'app', SNAPSHOT_ROOM_IDS: 'r1,other:r2' });
    expect(configs.tencent?.region).toBe('singapore');
    expect(configs.volc?.secretId).toBe('livegate/volcengine');
    expect(configs.settings.rooms).toEqual([
      { kind: 'room', appId: 'app', roomId: 'r1' },
      { kind: 'room', appId: 'other', roomId: 'r2' },
    ]);
  });

  test.each([
    ['a mistyped Tencent region', { TENCENT_REGION: 'singapour' }, /TENCENT_REGION must be one of china, singapore/],
    ['a Tencent base URL that is not a URL', { TENCENT_BASE_URL: 'emulator:4010' }, /TENCENT_BASE_URL must be an http\(s\) URL/],
    ['a Volcengine base URL that is not a URL', { VOLC_BASE_URL: 'ftp://rtc' }, /VOLC_BASE_URL/],
    ['a fractional rate', { SNAPSHOT_TENCENT_RATE: '66.7' }, /SNAPSHOT_TENCENT_RATE must be a whole number from 1 to 200/],
    ['a rate past the upstream limit', { SNAPSHOT_VOLC_RATE: '41' }, /SNAPSHOT_VOLC_RATE/],
    ['discovery neither on nor off', { SNAPSHOT_DISCOVERY: 'yes' }, /SNAPSHOT_DISCOVERY must be one of on, off/],
    ['a room with no AppId and no default', { SNAPSHOT_ROOM_IDS: 'r1' }, /SNAPSHOT_ROOM_IDS: room "r1" names no AppId/],
  ])('%s stops the function instead of turning a provider off', (_name, change, message) => {
    expect(() => readProviderConfigs({ ...SNAPSHOT_ENV, ...change })).toThrow(ConfigError);
    expect(() => readProviderConfigs({ ...SNAPSHOT_ENV, ...change })).toThrow(message);
  });

  test('a provider is off only when its secret is not named, and then its targets are a configuration error', () => {
    const tencentOnly = readProviderConfigs({ SNAPSHOT_TABLE: 'table', TENCENT_SECRET_ID: 'livegate/tencent', VOLC_SECRET_ID: '  ' });
    expect(tencentOnly.volc).toBeUndefined();
    expect(tencentOnly.tencent).toBeDefined();
    expect(() => readProviderConfigs({ SNAPSHOT_TABLE: 'table', VOLC_SECRET_ID: 'v', SNAPSHOT_GROUP_IDS: '@TGS#aX' })).toThrow(/TENCENT_SECRET_ID is not set/);
    expect(() => readProviderConfigs({ SNAPSHOT_TABLE: 'table', TENCENT_SECRET_ID: 't', RTC_APP_ID: 'a', SNAPSHOT_ROOM_IDS: 'r' })).toThrow(
      /VOLC_SECRET_ID is not set/,
    );
  });
});

describe('per-shard rate', () => {
  test.each([
    [150, 1, 150],
    [200, 3, 66],
    [40, 3, 13],
    [30, 30, 1],
  ])('%i/s over %i shards is %i/s each', (total, shards, each) => {
    expect(perShardRate(total, shards)).toBe(each);
  });

  test('all shards together never pass the total', () => {
    for (let total = 1; total <= 200; total += 1) {
      for (let shards = 1; shards <= total; shards += 1) expect(perShardRate(total, shards) * shards).toBeLessThanOrEqual(total);
    }
  });

  test('more shards than calls a second is a configuration error', () => {
    expect(() => perShardRate(2, 3)).toThrow(ConfigError);
  });
});

describe('the write deadline', () => {
  test('is half a window (plus 15 s) past the window, unless the invocation ends sooner', () => {
    expect(writeDeadline(60_000, 60, undefined)).toBe(105_000);
    expect(writeDeadline(60_000, 60, 200_000)).toBe(105_000);
    // A run that started late: Lambda's 90 s end comes first, less the reserve for the summary.
    expect(writeDeadline(60_000, 60, 95_000)).toBe(93_000);
  });
});

describe('runtime configuration', () => {
  test('no request budget by default: the function timeout decides', () => {
    expect(readRuntimeConfig({}).requestBudgetMs).toBeUndefined();
    expect(readRuntimeConfig({ REQUEST_BUDGET_MS: '4000' }).requestBudgetMs).toBe(4000);
    expect(() => readRuntimeConfig({ LOG_LEVEL: 'verbose' })).toThrow(/LOG_LEVEL must be one of debug, info, warn, error/);
  });

  test('one parser: blanks are unset, numbers are checked against their range', () => {
    const read = new EnvReader({ A: '  ', B: ' 7 ', C: 'x', L: ' a, ,b ' });
    expect(read.text('A')).toBeUndefined();
    expect(read.number('B', { fallback: 1, min: 1, max: 10 })).toBe(7);
    expect(() => read.number('C', { fallback: 1, min: 1, max: 10 })).toThrow('C must be a whole number from 1 to 10, got "x"');
    expect(read.list('L')).toEqual(['a', 'b']);
    expect(() => read.required('MISSING')).toThrow('MISSING is not set');
  });
});

describe('the metrics namespace', () => {
  test.each(['Livegate', 'Livegate/prod', 'team.live_gate#1:eu-west-1'])('%s is accepted', (namespace) => {
    expect(readMetricsConfig({ METRICS_NAMESPACE: namespace })).toEqual({ namespace });
  });

  test.each(['Livegate prod', 'AWS/Lambda', 'Livegate\u00e9', 'x'.repeat(256)])(
    '%s is a configuration error, as the metricsNamespace parameter is',
    (namespace) => {
      expect(() => readMetricsConfig({ METRICS_NAMESPACE: namespace })).toThrow(ConfigError);
    },
  );

  test('is checked by the same rule as the metricsNamespace parameter (deploy/monitoring.cjs)', () => {
    expect(readFileSync('deploy/monitoring.cjs', 'utf8')).toContain(String(METRICS_NAMESPACE_PATTERN));
  });
});
