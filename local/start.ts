import { DEMO_GROUPS, DEMO_ROOMS, seedDemoData, tryThis } from './demo.ts';
import { startStack } from './stack.ts';

// `npm start`: the emulator with demo rooms and the API on localhost, until Ctrl-C or SIGTERM.

const port = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) {
    process.stderr.write(`${name} must be a port number, got "${process.env[name]}"\n`);
    process.exit(2);
  }
  return value;
};

const apiPort = port('PORT', 3000);
const emulatorPort = port('EMULATOR_PORT', 4010);
const dynamoPort = port('DYNAMODB_PORT', 4567);

process.stdout.write(`Starting livegate locally (API :${apiPort}, emulator :${emulatorPort}) ...\n`);
const stack = await startStack({
  apiPort,
  emulatorPort,
  dynamoPort,
  dynamoDataDir: '.local-data/dynamodb',
  offlineOutput: 'inherit',
  params: { snapshotRoomIds: Object.values(DEMO_ROOMS).join(',') },
});
await seedDemoData(stack.emulator.url, stack.emulator.credentials().volc.rtcAppId);

process.stdout.write(`
livegate is running.
  API:        ${stack.apiUrl}      (routes are open locally; in AWS every route needs IAM or JWT auth)
  Emulator:   ${stack.emulator.url}      (Tencent Chat, Volcengine RTC, Secrets Manager; control API under /_emulator)
  DynamoDB:   ${stack.dynamo.endpoint}      (dynalite; data in .local-data/dynamodb, table ${stack.tableName})
  Snapshots:  every minute, one sample per live group and demo room every 10 s; history fills in after a minute
  Demo:       live groups ${DEMO_GROUPS.live}, ${DEMO_GROUPS.smallLive}, ${DEMO_GROUPS.bigLive}; public group ${DEMO_GROUPS.public}

Try:
${tryThis(stack.apiUrl)}
  curl -s ${stack.emulator.url}/_emulator/stats

Ctrl-C stops everything.
`);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal}: stopping ...\n`);
  void stack.stop().then(() => process.exit(0));
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
void stack.exited.then((code) => {
  if (stopping) return;
  process.stderr.write(`serverless-offline stopped unexpectedly (exit code ${code}); stopping.\n`);
  void stack.stop().then(() => process.exit(1));
});
