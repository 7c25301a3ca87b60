import { atNextWindow } from '#support/snapshot-window.ts';
import { callApi, emulator, groupPath } from '#test/support/http.ts';

// The bundled snapshot function as serverless-offline runs it (the test stack sets a 4 s window
// of 2 s ticks and no schedule), invoked the way EventBridge does, with the shard as input.

const lambdaUrl = (): string => process.env.LIVEGATE_LAMBDA_URL as string;

describe('snapshot function', () => {
  test('a scheduled invocation samples the discovered live groups into the history', async () => {
    await emulator.reset();
    await emulator.putGroup('@TGS#aFNLIVE1', { type: 'AVChatRoom', onlineCount: 42 });
    await emulator.putGroup('@TGS#aFNLIVE2', { type: 'AVChatRoom', onlineCount: 43 });
    const windowStart = await atNextWindow(4);
    const response = await fetch(`${lambdaUrl()}/2015-03-31/functions/livegate-local-snapshot/invocations`, {
      method: 'POST',
      body: JSON.stringify({ shard: 0, shards: 1 }),
    });
    expect(response.status).toBe(200);
    const summary = (await response.json()) as Record<string, any>;
    expect(summary).toMatchObject({
      shard: { index: 0, count: 1 },
      discovery: { enabled: true, ok: true, groups: 2, pages: 1 },
      groups: { intervalSeconds: 2, ticks: 2 },
    });
    // Other tests may have left targets tracked in the suite's registry: the run samples those too.
    expect(summary.targetsBySource.discovery).toBe(2);
    expect(summary.samplesWritten).toBeGreaterThanOrEqual(4);
    const history = await callApi(
      `${groupPath('@TGS#aFNLIVE1', 'online-count/history')}?from=${new Date(windowStart).toISOString()}&to=${new Date(windowStart + 3999).toISOString()}`,
    );
    expect(history.body.points).toEqual([
      { at: new Date(windowStart).toISOString(), onlineCount: 42 },
      { at: new Date(windowStart + 2000).toISOString(), onlineCount: 42 },
    ]);
  });

  test('a malformed schedule input fails the invocation with a clear message', async () => {
    const response = await fetch(`${lambdaUrl()}/2015-03-31/functions/livegate-local-snapshot/invocations`, {
      method: 'POST',
      body: JSON.stringify({ shard: 3, shards: 2 }),
    });
    const text = await response.text();
    expect(text).toContain('schedule input must be');
  });
});
