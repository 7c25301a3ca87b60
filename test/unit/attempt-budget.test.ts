import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Deadline } from '#lib/deadline.ts';
import type { UpstreamFailure } from '#lib/upstream/failure.ts';
import { sendWithinBudget } from '#lib/upstream/http.ts';
import { RateGate } from '#lib/upstream/rate-gate.ts';

// A real local server, so "was the attempt sent" is what the server saw.

let server: Server;
let url: string;
let received = 0;

beforeAll(async () => {
  server = createServer((_req, res) => {
    received += 1;
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = 0;
});

/** A gate that has just let a call through, so the next one waits a whole spacing (~1 s at 1/s). */
const busyGate = async (): Promise<RateGate> => {
  const gate = new RateGate(1);
  await gate.acquire();
  return gate;
};

test('an attempt whose budget runs out while it waits at the rate gate is never sent', async () => {
  const gate = await busyGate();
  let sent = 0;
  const attempt = sendWithinBudget(
    'tencent-im',
    url,
    {},
    {
      deadline: Deadline.after(200),
      attemptTimeoutMs: 3000,
      rateGate: gate,
      onSend: () => {
        sent += 1;
      },
    },
  );
  await expect(attempt).rejects.toMatchObject({ kind: 'timeout', code: 'TIMEOUT' } satisfies Partial<UpstreamFailure>);
  expect({ sent, received }).toEqual({ sent: 0, received: 0 });
});

test('an attempt with budget left after the gate is sent, and counted once', async () => {
  const gate = await busyGate();
  let sent = 0;
  const answer = await sendWithinBudget(
    'tencent-im',
    url,
    {},
    {
      deadline: Deadline.after(5000),
      attemptTimeoutMs: 3000,
      rateGate: gate,
      onSend: () => {
        sent += 1;
      },
    },
  );
  expect({ status: answer.status, sent, received }).toEqual({ status: 200, sent: 1, received: 1 });
});

test('a spent budget does not take a slot at the gate', async () => {
  const gate = new RateGate(1);
  await expect(sendWithinBudget('volcengine-rtc', url, {}, { deadline: Deadline.after(0), attemptTimeoutMs: 3000, rateGate: gate })).rejects.toMatchObject({
    kind: 'timeout',
  });
  const started = Date.now();
  await gate.acquire(); // the first slot is still free: no wait
  expect({ waitedUnder500Ms: Date.now() - started < 500, received }).toEqual({ waitedUnder500Ms: true, received: 0 });
});
