import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#lib/aws/dynamodb.ts';
import { Deadline } from '#lib/deadline.ts';
import { UpstreamFailure } from '#lib/upstream/failure.ts';
import { type RetryPolicy, retrying } from '#lib/upstream/retry.ts';
import { LEVEL_MS, type RollupLevel, rollupPartition } from './rollups.ts';
import type { RangePage, ReadOptions, Rollup, RollupPage, SnapshotRecord, SnapshotStore } from './store.ts';

// DynamoDB adapter. The SDK honours AWS_ENDPOINT_URL_DYNAMODB, which is how local runs and
// tests reach dynalite. Items of a tick: { pk: target key, at, onlineCount | totalUsers +
// totalInvisibleUsers | gap, pushed?, expiresAt }; of a rollup: { pk: M#|H#|D# + target key,
// at: bucket start, samples, gaps, sum, min?, max?, maxAt?, last?, expiresAt } (the figures that
// are null for a bucket without samples are left out). Ticks expire after the retention, rollups
// after the rollup retention, both counted from the end of what they cover.
// Whatever fails comes out as an UpstreamFailure of provider aws-dynamodb.

const BATCH_SIZE = 25;
const RECENT_RECORDS_FOR_PUSHES = 30;
const GAP_WRITERS = 8;

export interface DynamoStoreOptions {
  tableName: string;
  retentionDays: number;
  /** How long rollups are kept; default 400 days. */
  rollupRetentionDays?: number;
  client?: DynamoDBDocumentClient;
  clock?: () => number;
}

const toItem = (record: SnapshotRecord, expiresAt: number): Record<string, unknown> => ({
  pk: record.key,
  at: record.at,
  ...(record.values ?? {}),
  ...(record.gap ? { gap: record.gap } : {}),
  ...(record.pushed ? { pushed: true } : {}),
  expiresAt,
});

const fromItem = (item: Record<string, unknown>): SnapshotRecord => {
  const record: SnapshotRecord = { key: String(item.pk), at: Number(item.at) };
  if (item.pushed === true) record.pushed = true;
  if (typeof item.gap === 'string') record.gap = item.gap;
  else if (typeof item.onlineCount === 'number') record.values = { onlineCount: item.onlineCount };
  else record.values = { totalUsers: Number(item.totalUsers ?? 0), totalInvisibleUsers: Number(item.totalInvisibleUsers ?? 0) };
  return record;
};

const ROLLUP_FIGURES = ['min', 'max', 'maxAt', 'last'] as const;

const toRollupItem = (rollup: Rollup, expiresAt: number): Record<string, unknown> => {
  const item: Record<string, unknown> = {
    pk: rollupPartition(rollup.level, rollup.key),
    at: rollup.at,
    samples: rollup.samples,
    gaps: rollup.gaps,
    sum: rollup.sum,
  };
  for (const figure of ROLLUP_FIGURES) if (rollup[figure] !== null) item[figure] = rollup[figure];
  item.expiresAt = expiresAt;
  return item;
};

const fromRollupItem = (level: RollupLevel, key: string, item: Record<string, unknown>): Rollup => {
  const figure = (name: string): number | null => (typeof item[name] === 'number' ? (item[name] as number) : null);
  return {
    level,
    key,
    at: Number(item.at),
    samples: Number(item.samples ?? 0),
    gaps: Number(item.gaps ?? 0),
    sum: Number(item.sum ?? 0),
    min: figure('min'),
    max: figure('max'),
    maxAt: figure('maxAt'),
    last: figure('last'),
  };
};

// The SDK already retries a few times; a DynamoDB outage or a throttled table can last longer than
// that. Writes keep trying through the shared retry helper until they succeed or the run's write
// deadline passes: no attempt limit of their own, only time.
const WRITE_POLICY: RetryPolicy = { maxAttempts: Number.POSITIVE_INFINITY, baseDelayMs: 100, maxDelayMs: 5000 };

// 400s that only say "not now": throughput, request rate and throttling.
const THROTTLED = /Throttl|LimitExceeded|ProvisionedThroughputExceeded|RequestLimitExceeded/;

/** A write worth trying again: the service failed or throttled us, or it could not be reached. */
const isRetryableWrite = (error: unknown): boolean => {
  if (error instanceof UnprocessedItems) return true;
  if (error instanceof ConditionalCheckFailedException) return false;
  const name = error instanceof Error ? error.name : '';
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (THROTTLED.test(name)) return true;
  return status === undefined || status >= 500;
};

/** Part of a batch DynamoDB did not take yet; the retry sends only that part. */
class UnprocessedItems extends Error {
  constructor(count: number) {
    super(`${count} items of a batch were not processed`);
    this.name = 'UnprocessedItems';
  }
}

const asFailure = (error: unknown, info: string, aborted = false): UpstreamFailure => {
  if (error instanceof UpstreamFailure) return error;
  const name = error instanceof Error ? error.name : 'Error';
  return new UpstreamFailure(aborted ? 'timeout' : 'unavailable', 'aws-dynamodb', name, info);
};

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } };

export class DynamoSnapshotStore implements SnapshotStore {
  private readonly tableName: string;
  private readonly retentionDays: number;
  private readonly rollupRetentionDays: number;
  private readonly client: DynamoDBDocumentClient;
  private readonly clock: () => number;

  constructor(options: DynamoStoreOptions) {
    this.tableName = options.tableName;
    this.retentionDays = options.retentionDays;
    this.rollupRetentionDays = options.rollupRetentionDays ?? 400;
    this.client = options.client ?? documentClient();
    this.clock = options.clock ?? Date.now;
  }

  private expiresAt(record: SnapshotRecord): number {
    return Math.floor(record.at / 1000) + this.retentionDays * 86_400;
  }

  private untilWritten<T>(write: () => Promise<T>, giveUpAt: number): Promise<T> {
    return retrying(write, { policy: WRITE_POLICY, deadline: new Deadline(giveUpAt, this.clock), isRetryable: isRetryableWrite });
  }

  private rollupExpiresAt(rollup: Rollup): number {
    return Math.floor((rollup.at + LEVEL_MS[rollup.level]) / 1000) + this.rollupRetentionDays * 86_400;
  }

  /** BatchWriteItem in batches of 25, each retried (only what was not processed) until written or giveUpAt. */
  private async putItems(items: Array<Record<string, unknown>>, giveUpAt: number, what: string): Promise<void> {
    for (let start = 0; start < items.length; start += BATCH_SIZE) {
      let pending: WriteRequest[] = items.slice(start, start + BATCH_SIZE).map((Item) => ({ PutRequest: { Item } }));
      try {
        await this.untilWritten(async () => {
          const answer = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
          pending = (answer.UnprocessedItems?.[this.tableName] ?? []) as WriteRequest[];
          if (pending.length > 0) throw new UnprocessedItems(pending.length);
        }, giveUpAt);
      } catch (error) {
        throw asFailure(error, `${pending.length} ${what} could not be written before the deadline`);
      }
    }
  }

  async putSamples(records: SnapshotRecord[], giveUpAt: number): Promise<void> {
    await this.putItems(
      records.map((record) => toItem(record, this.expiresAt(record))),
      giveUpAt,
      'snapshot items',
    );
  }

  async putRollups(rollups: Rollup[], giveUpAt: number): Promise<void> {
    await this.putItems(
      rollups.map((rollup) => toRollupItem(rollup, this.rollupExpiresAt(rollup))),
      giveUpAt,
      'rollups',
    );
  }

  async putGapsIfAbsent(records: SnapshotRecord[], giveUpAt: number): Promise<number> {
    let written = 0;
    const queue = [...records];
    const writeOne = async (gap: SnapshotRecord): Promise<void> => {
      try {
        await this.untilWritten(
          () =>
            this.client.send(
              new PutCommand({
                TableName: this.tableName,
                Item: toItem(gap, this.expiresAt(gap)),
                ConditionExpression: 'attribute_not_exists(pk)',
              }),
            ),
          giveUpAt,
        );
        written += 1;
      } catch (error) {
        // Something is stored for this tick already: a sample, or the same gap from another run.
        if (!(error instanceof ConditionalCheckFailedException)) throw asFailure(error, 'gaps could not be written before the deadline');
      }
    };
    const worker = async () => {
      for (let gap = queue.shift(); gap; gap = queue.shift()) await writeOne(gap);
    };
    await Promise.all(Array.from({ length: Math.min(GAP_WRITERS, records.length) }, worker));
    return written;
  }

  async latestPushed(key: string): Promise<SnapshotRecord | undefined> {
    try {
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'attribute_exists(pushed)',
          ExpressionAttributeValues: { ':pk': key },
          ScanIndexForward: false,
          // A heartbeat pushes at least every few ticks: a push further back than this is too old to matter.
          Limit: RECENT_RECORDS_FOR_PUSHES,
        }),
      );
      const item = answer.Items?.[0];
      return item ? fromItem(item) : undefined;
    } catch (error) {
      throw asFailure(error, 'Query on the snapshot table failed');
    }
  }

  async latest(key: string, options: { signal?: AbortSignal } = {}): Promise<SnapshotRecord | undefined> {
    try {
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': key },
          ScanIndexForward: false,
          Limit: 1,
        }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      const item = answer.Items?.[0];
      return item ? fromItem(item) : undefined;
    } catch (error) {
      throw asFailure(error, 'Query on the snapshot table failed', options.signal?.aborted === true);
    }
  }

  /** One Query page of partition `pk` with from <= at <= to, oldest first. */
  private async queryPartition(pk: string, fromMs: number, toMs: number, options: ReadOptions) {
    try {
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND #at BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':pk': pk, ':from': fromMs, ':to': toMs },
          ScanIndexForward: true,
          ...(options.consistent ? { ConsistentRead: true } : {}),
          ...(options.limit ? { Limit: options.limit } : {}),
          ...(options.startAfter !== undefined ? { ExclusiveStartKey: { pk, at: options.startAfter } } : {}),
        }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      return { items: answer.Items ?? [], lastAt: answer.LastEvaluatedKey ? Number(answer.LastEvaluatedKey.at) : undefined };
    } catch (error) {
      throw asFailure(error, 'Query on the snapshot table failed', options.signal?.aborted === true);
    }
  }

  async queryRange(key: string, fromMs: number, toMs: number, options: ReadOptions): Promise<RangePage> {
    const page = await this.queryPartition(key, fromMs, toMs, options);
    return { records: page.items.map(fromItem), lastAt: page.lastAt };
  }

  async queryRollups(level: RollupLevel, key: string, fromMs: number, toMs: number, options: ReadOptions): Promise<RollupPage> {
    const page = await this.queryPartition(rollupPartition(level, key), fromMs, toMs, options);
    return { rollups: page.items.map((item) => fromRollupItem(level, key, item)), lastAt: page.lastAt };
  }
}
