import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { load as loadYaml } from 'js-yaml';

// Local DynamoDB: dynalite, a real DynamoDB-protocol server, in this process. The table is
// created from deploy/<name>-table.yml, the same files serverless.yml deploys.

export interface RunningDynamo {
  endpoint: string;
  close: () => Promise<void>;
}

export const startDynamo = async (options: { port: number; dataDir?: string }): Promise<RunningDynamo> => {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(options.dataDir ? { path: options.dataDir } : {}) });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
};

interface TableDefinition {
  AttributeDefinitions: Array<{ AttributeName: string; AttributeType: 'S' | 'N' | 'B' }>;
  KeySchema: Array<{ AttributeName: string; KeyType: 'HASH' | 'RANGE' }>;
  BillingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
}

export type LocalTable = 'snapshot' | 'tracking';

const tableDefinition = (projectRoot: string, table: LocalTable): TableDefinition =>
  loadYaml(readFileSync(path.join(projectRoot, `deploy/${table}-table.yml`), 'utf8')) as TableDefinition;

/** Creates the table if it does not exist. TTL and point-in-time recovery are AWS-only (dynalite has neither). */
export const ensureTable = async (endpoint: string, table: LocalTable, tableName: string, projectRoot: string): Promise<void> => {
  const definition = tableDefinition(projectRoot, table);
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: definition.AttributeDefinitions,
        KeySchema: definition.KeySchema,
        BillingMode: definition.BillingMode,
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    client.destroy();
  }
};
