import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '#lib/aws/dynamodb.ts';
import { type Target, targetKey } from '#lib/snapshots/targets.ts';
import { UpstreamFailure } from '#lib/upstream/failure.ts';
import type { RegistryPage, TargetKind, TrackingRegistry } from './registry.ts';
import { activeSources, type SourceEntry, TRACKING_SOURCES, type TrackedTarget, type TrackingSource, withoutSources, withSource } from './tracked-target.ts';

// DynamoDB adapter of the registry (deploy/tracking-table.yml). A target is one item,
// { pk: kind, sk: targetKey, groupId | appId + roomId, <source>Since, <source>ExpiresAt }, so a
// source is added or ended by one UpdateItem without reading first, and a kind is one Query.
// Whatever fails comes out as an UpstreamFailure of provider aws-dynamodb.

export interface DynamoRegistryOptions {
  tableName: string;
  client?: DynamoDBDocumentClient;
}

const sinceOf = (source: TrackingSource) => `${source}Since`;
const expiresOf = (source: TrackingSource) => `${source}ExpiresAt`;

const idsOf = (target: Target): Record<string, string> =>
  target.kind === 'group' ? { groupId: target.groupId } : { appId: target.appId, roomId: target.roomId };

const fromItem = (item: Record<string, unknown>): TrackedTarget => {
  const target: Target =
    item.pk === 'group' ? { kind: 'group', groupId: String(item.groupId) } : { kind: 'room', appId: String(item.appId), roomId: String(item.roomId) };
  const sources: Partial<Record<TrackingSource, SourceEntry>> = {};
  for (const source of TRACKING_SOURCES) {
    const since = item[sinceOf(source)];
    if (typeof since !== 'number') continue;
    const expiresAt = item[expiresOf(source)];
    sources[source] = { since, expiresAt: typeof expiresAt === 'number' ? expiresAt : null };
  }
  return { target, sources };
};

const asFailure = (error: unknown, info: string): UpstreamFailure => {
  if (error instanceof UpstreamFailure) return error;
  const aborted = error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
  return new UpstreamFailure(aborted ? 'timeout' : 'unavailable', 'aws-dynamodb', error instanceof Error ? error.name : 'Error', info);
};

export class DynamoTrackingRegistry implements TrackingRegistry {
  private readonly tableName: string;
  private readonly client: DynamoDBDocumentClient;

  constructor(options: DynamoRegistryOptions) {
    this.tableName = options.tableName;
    this.client = options.client ?? documentClient();
  }

  private key(target: Target) {
    return { pk: target.kind, sk: targetKey(target) };
  }

  async addSource(target: Target, source: TrackingSource, expiresAt: number | null, now: number): Promise<TrackedTarget> {
    try {
      const ids = idsOf(target);
      const answer = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: this.key(target),
          UpdateExpression: `SET ${Object.keys(ids)
            .map((name) => `#${name} = :${name}`)
            .join(', ')}, #since = if_not_exists(#since, :now), #expires = :expires`,
          ExpressionAttributeNames: {
            ...Object.fromEntries(Object.keys(ids).map((name) => [`#${name}`, name])),
            '#since': sinceOf(source),
            '#expires': expiresOf(source),
          },
          ExpressionAttributeValues: {
            ...Object.fromEntries(Object.entries(ids).map(([name, value]) => [`:${name}`, value])),
            ':now': now,
            ':expires': expiresAt,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const before = answer.Attributes ? fromItem(answer.Attributes) : { target, sources: {} };
      const after = withSource(before, source, expiresAt, now);
      const kept = after.sources[source] as SourceEntry;
      const stored = before.sources[source];
      // A source that had lapsed starts again from now; the write above kept its old start.
      if (stored !== undefined && stored.since !== kept.since) {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.key(target),
            UpdateExpression: 'SET #since = :since',
            ExpressionAttributeNames: { '#since': sinceOf(source) },
            ExpressionAttributeValues: { ':since': kept.since },
          }),
        );
      }
      return after;
    } catch (error) {
      throw asFailure(error, 'the tracking registry could not be written');
    }
  }

  async removeSources(target: Target, sources: readonly TrackingSource[], now: number): Promise<TrackedTarget> {
    try {
      const names: Record<string, string> = {};
      sources.forEach((source, index) => {
        names[`#s${index}`] = sinceOf(source);
        names[`#e${index}`] = expiresOf(source);
      });
      const answer = await this.client
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: this.key(target),
            UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: names,
            ReturnValues: 'ALL_NEW',
          }),
        )
        .catch((error: unknown) => {
          if (error instanceof ConditionalCheckFailedException) return { Attributes: undefined };
          throw error;
        });
      const left = answer.Attributes ? withoutSources(fromItem(answer.Attributes), sources) : { target, sources: {} };
      if (answer.Attributes && activeSources(left, now).length === 0) await this.forgetIfUntracked(target, now);
      return left;
    } catch (error) {
      throw asFailure(error, 'the tracking registry could not be written');
    }
  }

  /** Deletes the item unless a source came back in the meantime (a concurrent add wins). */
  private async forgetIfUntracked(target: Target, now: number): Promise<void> {
    const names: Record<string, string> = {};
    const conditions = TRACKING_SOURCES.map((source, index) => {
      names[`#s${index}`] = sinceOf(source);
      names[`#e${index}`] = expiresOf(source);
      // A NULL expiry (no end) is not a number: the comparison is false and the item stays.
      return `(attribute_not_exists(#s${index}) OR #e${index} <= :now)`;
    });
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: this.key(target),
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':now': now },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async page(kind: TargetKind, options: { limit?: number; after?: string | undefined; signal?: AbortSignal }): Promise<RegistryPage> {
    try {
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :kind',
          ExpressionAttributeValues: { ':kind': kind },
          ...(options.limit === undefined ? {} : { Limit: options.limit }),
          ...(options.after === undefined ? {} : { ExclusiveStartKey: { pk: kind, sk: options.after } }),
        }),
        options.signal ? { abortSignal: options.signal } : {},
      );
      const last = answer.LastEvaluatedKey?.sk;
      return { items: (answer.Items ?? []).map(fromItem), after: typeof last === 'string' ? last : undefined };
    } catch (error) {
      throw asFailure(error, 'the tracking registry could not be read');
    }
  }

  async readAll(kind: TargetKind): Promise<{ items: TrackedTarget[]; reads: number }> {
    const items: TrackedTarget[] = [];
    let reads = 0;
    let after: string | undefined;
    do {
      // No Limit: each Query reads up to DynamoDB's 1 MB page, some 5,000 targets.
      const page = await this.page(kind, { after });
      reads += 1;
      items.push(...page.items);
      after = page.after;
    } while (after !== undefined);
    return { items, reads };
  }

  async rememberEvent(provider: string, eventId: string, ttlSeconds: number, now: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: `event#${provider}#${eventId}`, sk: 'event', ttl: Math.floor(now / 1000) + ttlSeconds },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw asFailure(error, 'the tracking registry could not be written');
    }
  }

  async forgetEvent(provider: string, eventId: string): Promise<void> {
    try {
      await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: `event#${provider}#${eventId}`, sk: 'event' } }));
    } catch (error) {
      throw asFailure(error, 'the tracking registry could not be written');
    }
  }
}
