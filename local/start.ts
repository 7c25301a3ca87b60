import { DEMO_GROUPS, DEMO_ROOMS, seedDemoData, trackingWalkthrough, tryThis } from './demo.ts';
import { SnapshotRunSummaries } from './metrics-summary.ts';
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
// Where dynalite keeps the tables (history and tracking) between runs.
const dataDir = process.env.LIVEGATE_DATA_DIR || '.local-data/dynamodb';
const apiUrl = `http://127.0.0.1:${apiPort}`;

const summaries = new SnapshotRunSummaries();
process.stdout.write(`Starting livegate locally (API :${apiPort}, emulator :${emulatorPort}) ...\n`);
const stack = await startStack({
  apiPort,
  emulatorPort,
  dynamoPort,
  dynamoDataDir: dataDir,
  offlineOutput: 'inherit',
  // Each snapshot run's metrics, as one line after its EMF lines.
  watchOutput: (line) => summaries.read(line),
  // The demo shows the audience sync: each changed count goes to its group or room.
  params: { snapshotRoomIds: Object.values(DEMO_ROOMS).join(','), broadcastTencentMode: 'changed', broadcastVolcMode: 'changed' },
  // The emulator plays the providers' signed callbacks into the local API, as Tencent and Volcengine would.
  emulatorCallbacks: { tencentUrl: `${apiUrl}/v1/callbacks/tencent`, volcUrl: `${apiUrl}/v1/callbacks/volcengine` },
});
await seedDemoData(stack.emulator.url, stack.emulator.credentials().volc.rtcAppId);

process.stdout.write(`
livegate is running.
  Dashboard:  ${stack.apiUrl}/      (every tracked group and room, its count and chart; refreshes every 10 s)
  API:        ${stack.apiUrl}      (routes are open locally; in AWS every route needs IAM or JWT auth)
  OpenAPI:    ${stack.apiUrl}/openapi.json      (every route, parameter, answer and error; generate a typed client from it, see the README)
  Emulator:   ${stack.emulator.url}      (Tencent Chat, Volcengine RTC, Secrets Manager; control API under /_emulator)
  DynamoDB:   ${stack.dynamo.endpoint}      (dynalite; data in ${dataDir}, tables ${stack.tableName}, ${stack.trackingTableName})
  Snapshots:  every minute, one sample per tracked group and room every 10 s; history fills in after a minute;
              each run ends with a line "snapshot run ...": its targets, samples, gaps, pushes, duration and lag (its metrics)
  Audience:   each changed count is pushed to its group (send_group_msg) and room (SendBroadcast); see the emulator's message logs
  Callbacks:  the emulator signs Tencent and Volcengine callbacks and sends them to ${stack.apiUrl}/v1/callbacks/...
  Demo:       live groups ${DEMO_GROUPS.live}, ${DEMO_GROUPS.smallLive}, ${DEMO_GROUPS.bigLive}; public group ${DEMO_GROUPS.public}

Try:
${tryThis(stack.apiUrl, stack.emulator.url)}
  curl -s ${stack.emulator.url}/_emulator/stats

Watch a room from the moment it starts (the emulator sends Volcengine's RoomCreate callback):
${trackingWalkthrough(stack.apiUrl, stack.emulator.url, stack.emulator.credentials().volc.rtcAppId)}

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
