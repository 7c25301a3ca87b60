import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// A DynamoDB document client that counts what it asks of the table: requests by command, items
// read (a Query's ScannedCount: what DynamoDB reads and bills), items written, and write units
// (one per item written, a unit per started KB of its size; a conditional put refused still
// costs its units). Sizes follow DynamoDB's rule: attribute names and values, a number about one
// byte per two digits.

export interface DynamoCounts {
  requests: Record<string, number>;
  itemsRead: number;
  itemsWritten: number;
  writeUnits: number;
  largestItemBytes: number;
}

export const emptyCounts = (): DynamoCounts => ({ requests: {}, itemsRead: 0, itemsWritten: 0, writeUnits: 0, largestItemBytes: 0 });

const valueBytes = (value: unknown): number => {
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace('.', '').length / 2) + 1;
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, item) => sum + 1 + valueBytes(item), 0);
  if (typeof value === 'object') return 3 + itemBytes(value as Record<string, unknown>);
  return 0;
};

export const itemBytes = (item: Record<string, unknown>): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name, 'utf8') + valueBytes(value), 0);

type Input = { RequestItems?: Record<string, Array<{ PutRequest?: { Item: Record<string, unknown> } }>>; Item?: Record<string, unknown> };
type Output = { ScannedCount?: number; UnprocessedItems?: Record<string, Array<{ PutRequest?: { Item: Record<string, unknown> } }>> };

/** `counts` keeps counting: take a copy (snapshot) before and after what you measure. */
export const countingClient = (endpoint: string): { client: DynamoDBDocumentClient; counts: DynamoCounts } => {
  const counts = emptyCounts();
  const base = new DynamoDBClient({ endpoint, maxAttempts: 6, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const written = (items: Array<Record<string, unknown>>, sign = 1) => {
    for (const item of items) {
      const bytes = itemBytes(item);
      counts.itemsWritten += sign;
      counts.writeUnits += sign * Math.max(1, Math.ceil(bytes / 1024));
      counts.largestItemBytes = Math.max(counts.largestItemBytes, bytes);
    }
  };
  base.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      counts.requests[name] = (counts.requests[name] ?? 0) + 1;
      const input = args.input as Input;
      try {
        const result = await next(args);
        const output = result.output as Output;
        if (name === 'Query') counts.itemsRead += output.ScannedCount ?? 0;
        if (name === 'BatchWriteItem') {
          const items = (batches: Input['RequestItems']) =>
            Object.values(batches ?? {})
              .flatMap((requests) => requests.map((request) => request.PutRequest?.Item))
              .filter((item): item is Record<string, unknown> => item !== undefined);
          // What DynamoDB did not process is sent again (and counted then), not written now.
          written(items(input.RequestItems));
          written(items(output.UnprocessedItems), -1);
        }
        if (name === 'PutItem' && input.Item) written([input.Item]);
        return result;
      } catch (error) {
        if (name === 'PutItem' && input.Item && (error as Error).name === 'ConditionalCheckFailedException') written([input.Item]);
        throw error;
      }
    },
    { step: 'initialize', name: 'livegateBenchCounts' },
  );
  return { client: DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } }), counts };
};

export const snapshot = (counts: DynamoCounts): DynamoCounts => ({ ...counts, requests: { ...counts.requests } });

/** What happened between two snapshots. */
export const since = (before: DynamoCounts, after: DynamoCounts): DynamoCounts => ({
  requests: Object.fromEntries(Object.entries(after.requests).map(([name, count]) => [name, count - (before.requests[name] ?? 0)])),
  itemsRead: after.itemsRead - before.itemsRead,
  itemsWritten: after.itemsWritten - before.itemsWritten,
  writeUnits: after.writeUnits - before.writeUnits,
  largestItemBytes: after.largestItemBytes,
});
