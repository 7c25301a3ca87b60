import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { RangePage, SnapshotRecord, SnapshotStore } from './store.ts';

// DynamoDB adapter. The SDK honours AWS_ENDPOINT_URL_DYNAMODB, which is how local runs and
// tests reach dynalite. Items: { pk, at, onlineCount | totalUsers + totalInvisibleUsers | gap, expiresAt }.

const BATCH_SIZE = 25;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface DynamoStoreOptions {
  tableName: string;
  retentionDays: number;
  client?: DynamoDBDocumentClient;
  clock?: () => number;
}

export const documentClient = (): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 4, requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 } }), {
    marshallOptions: { removeUndefinedValues: true },
  });

const toItem = (record: SnapshotRecord, expiresAt: number): Record<string, unknown> => ({
  pk: record.key,
  at: record.at,
  ...(record.values ?? {}),
  ...(record.gap ? { gap: record.gap } : {}),
  expiresAt,
});

const fromItem = (item: Record<string, unknown>): SnapshotRecord => {
  const record: SnapshotRecord = { key: String(item.pk), at: Number(item.at) };
  if (typeof item.gap === 'string') record.gap = item.gap;
  else if (typeof item.onlineCount === 'number') record.values = { onlineCount: item.onlineCount };
  else record.values = { totalUsers: Number(item.totalUsers ?? 0), totalInvisibleUsers: Number(item.totalInvisibleUsers ?? 0) };
  return record;
};

const isConditionFailure = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

/**
 * The SDK already retries a few times; a DynamoDB outage can last longer than that. Writes keep
 * trying, with jittered backoff, until they succeed or the run's write deadline passes.
 */
const untilWritten = async <T>(write: () => Promise<T>, giveUpAt: number, clock: () => number): Promise<T> => {
  for (let round = 0; ; round += 1) {
    try {
      return await write();
    } catch (error) {
      if (isConditionFailure(error) || clock() >= giveUpAt) throw error;
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status !== undefined && status >= 400 && status < 500 && !/Throttl|LimitExceeded/.test((error as Error).name)) throw error;
      await sleep(Math.min(giveUpAt - clock(), Math.random() * Math.min(5000, 100 * 2 ** round)));
    }
  }
};

export class DynamoSnapshotStore implements SnapshotStore {
  private readonly options: Required<DynamoStoreOptions>;

  constructor(options: DynamoStoreOptions) {
    this.options = { client: options.client ?? documentClient(), clock: Date.now, ...options } as Required<DynamoStoreOptions>;
  }

  private expiresAt(record: SnapshotRecord): number {
    return Math.floor(record.at / 1000) + this.options.retentionDays * 86_400;
  }

  async putSamples(records: SnapshotRecord[], giveUpAt: number): Promise<void> {
    for (let start = 0; start < records.length; start += BATCH_SIZE) {
      let pending = records.slice(start, start + BATCH_SIZE).map((record) => ({ PutRequest: { Item: toItem(record, this.expiresAt(record)) } }));
      // DynamoDB may accept part of a batch; the rest is retried with backoff until written.
      for (let round = 0; pending.length > 0; round += 1) {
        if (round > 0) {
          if (this.options.clock() >= giveUpAt) throw new Error(`${pending.length} snapshot items could not be written before the deadline`);
          await sleep(Math.min(2000, 50 * 2 ** round) * Math.random());
        }
        const batch = pending;
        const answer = await untilWritten(
          () => this.options.client.send(new BatchWriteCommand({ RequestItems: { [this.options.tableName]: batch } })),
          giveUpAt, this.options.clock,
        );
        pending = (answer.UnprocessedItems?.[this.options.tableName] ?? []) as typeof pending;
      }
    }
  }

  async putGapsIfAbsent(records: SnapshotRecord[], giveUpAt: number): Promise<number> {
    let written = 0;
    const queue = [...records];
    const worker = async () => {
      for (let record = queue.shift(); record; record = queue.shift()) {
        if (this.options.clock() >= giveUpAt) throw new Error('gaps could not be written before the deadline');
        const gap = record;
        try {
          await untilWritten(() => this.options.client.send(new PutCommand({
            TableName: this.options.tableName,
            Item: toItem(gap, this.expiresAt(gap)),
            ConditionExpression: 'attribute_not_exists(pk)',
          })), giveUpAt, this.options.clock);
          written += 1;
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, records.length) }, worker));
    return written;
  }

  async queryRange(key: string, fromMs: number, toMs: number, options: { limit?: number; startAfter?: number; signal?: AbortSignal }): Promise<RangePage> {
    const answer = await this.options.client.send(new QueryCommand({
      TableName: this.options.tableName,
      KeyConditionExpression: 'pk = :pk AND #at BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':pk': key, ':from': fromMs, ':to': toMs },
      ScanIndexForward: true,
      ...(options.limit ? { Limit: options.limit } : {}),
      ...(options.startAfter !== undefined ? { ExclusiveStartKey: { pk: key, at: options.startAfter } } : {}),
    }), options.signal ? { abortSignal: options.signal } : {});
    const records = (answer.Items ?? []).map(fromItem);
    return { records, lastAt: answer.LastEvaluatedKey ? Number(answer.LastEvaluatedKey.at) : undefined };
  }
}
