import { liveHeapBytes } from '#local/live-heap.ts';
import { type HttpHandler, httpEvent, lambdaContext } from '#support/lambda-events.ts';

// Run by heap-soak.test.ts in a process of its own, with --expose-gc, against the suite's
// emulator and dynalite: every read handler, called round after round, with the live heap
// measured after a full collection at the end of each round. Prints one JSON line.

const rounds = Number(process.env.SOAK_ROUNDS);
const callsPerRound = Number(process.env.SOAK_CALLS_PER_ROUND);
const groupId = process.env.SOAK_GROUP as string;
const roomId = process.env.SOAK_ROOM as string;

const groupPath = `/v1/groups/${encodeURIComponent(groupId)}`;
const calls: Array<{ handler: HttpHandler; event: unknown }> = [
  { handler: (await import('#handlers/group-online-count.ts')).handler as HttpHandler, event: httpEvent('GET', `${groupPath}/online-count`) },
  {
    handler: (await import('#handlers/group-members.ts')).handler as HttpHandler,
    event: httpEvent('GET', `${groupPath}/members`, { query: { limit: '20', fields: 'role,joinTime' } }),
  },
  { handler: (await import('#handlers/room-online-users.ts')).handler as HttpHandler, event: httpEvent('GET', `/v1/rooms/${roomId}/online-users`) },
  { handler: (await import('#handlers/group-history.ts')).handler as HttpHandler, event: httpEvent('GET', `${groupPath}/online-count/history`) },
];
const context = lambdaContext('soak');

const heapAfterRound: number[] = [];
const failures: string[] = [];
for (let round = 0; round < rounds; round += 1) {
  for (let i = 0; i < callsPerRound; i += 1) {
    for (const call of calls) {
      const answer = await call.handler(call.event, context);
      if (answer.statusCode !== 200 && failures.length < 5) failures.push(`${answer.statusCode} ${answer.body.slice(0, 200)}`);
    }
  }
  heapAfterRound.push(await liveHeapBytes());
}
process.stdout.write(`${JSON.stringify({ heapAfterRound, failures, calls: rounds * callsPerRound * calls.length })}\n`);
