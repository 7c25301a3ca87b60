import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type RunningEmulator, startEmulator } from '#emulator/server.ts';
import { secretsManagerSource } from '#lib/aws/secrets-manager.ts';
import { readSecretsManagerConfig, type SecretsManagerConfig } from '#lib/config/aws.ts';
import { ConfigError } from '#lib/config/env.ts';
import { Deadline } from '#lib/deadline.ts';
import { metrics } from '#lib/metrics/recorder.ts';
import { SecretCache } from '#lib/secrets.ts';
import type { UpstreamFailure } from '#lib/upstream/failure.ts';
import { DEMO_CREDENTIALS, LOCAL_AWS_CREDENTIALS, LOCAL_SECRET_NAMES } from '#support/demo-credentials.ts';
import { capturingStdout, emfMetrics } from '#test/support/emf.ts';
import { failureOf } from '#test/support/failure-of.ts';

// livegate's Secrets Manager reader (one SigV4-signed GetSecretValue, no SDK) against the
// emulator's Secrets Manager, which checks every signature with the AWS SDK's own signer, and
// against a bare server for the answers the emulator does not give (throttling, odd error shapes).

let emulator: RunningEmulator;
let stub: Server;
let stubUrl: string;
let stubAnswer: (req: IncomingMessage, res: ServerResponse) => void;
let stubCalls = 0;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, callbacks: {} });
  stub = createServer((req, res) => {
    stubCalls += 1;
    req.resume();
    req.on('end', () => stubAnswer(req, res));
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await emulator.close();
  stub.closeAllConnections();
  await new Promise((resolve) => stub.close(resolve));
});

beforeEach(() => {
  emulator.traffic.reset();
  stubCalls = 0;
});

const config = (overrides: Partial<SecretsManagerConfig> = {}): SecretsManagerConfig => ({
  endpoint: emulator.url,
  region: 'us-east-1',
  credentials: { ...LOCAL_AWS_CREDENTIALS },
  ...overrides,
});

const secretReads = () => emulator.traffic.snapshot().apis.GetSecretValue?.calls ?? 0;

/** Nothing that signs or is signed may be in a failure: not the AWS secret key, not a signature, not the secret read. */
const expectNothingSecretIn = (failure: UpstreamFailure) => {
  const text = `${failure.message} ${JSON.stringify(failure)} ${String(failure.stack)}`;
  expect(text).not.toContain(LOCAL_AWS_CREDENTIALS.secretAccessKey);
  expect(text).not.toMatch(/Signature=|[0-9a-f]{64}/);
  expect(text).not.toContain(DEMO_CREDENTIALS.tencent.secretKey);
};

describe('reading a secret', () => {
  test('by name and by ARN, signed as Secrets Manager checks it', async () => {
    const source = secretsManagerSource(config());
    expect(JSON.parse(await source.read(LOCAL_SECRET_NAMES.tencent))).toMatchObject({ secretKey: DEMO_CREDENTIALS.tencent.secretKey });
    const arn = `arn:aws:secretsmanager:us-east-1:123456789012:secret:${LOCAL_SECRET_NAMES.volc}-AbCdEf`;
    expect(JSON.parse(await source.read(arn))).toMatchObject({ secretAccessKey: DEMO_CREDENTIALS.volc.secretAccessKey });
    expect(secretReads()).toBe(2);
  });

  test('with temporary credentials (a Lambda role): the session token is sent and signed', async () => {
    const source = secretsManagerSource(config({ credentials: { ...LOCAL_AWS_CREDENTIALS, sessionToken: 'IQoJb3JpZ2luX2VjE//token+with/symbols==' } }));
    expect(JSON.parse(await source.read(LOCAL_SECRET_NAMES.tencent))).toMatchObject({ adminIdentifier: DEMO_CREDENTIALS.tencent.adminIdentifier });
  });
});

describe('AWS errors become typed failures, retried only when transient', () => {
  test('a wrong secret key: InvalidSignatureException, an auth failure, not retried, and nothing secret in it', async () => {
    const failure = await failureOf(
      secretsManagerSource(config({ credentials: { ...LOCAL_AWS_CREDENTIALS, secretAccessKey: 'not-the-key' } })).read(LOCAL_SECRET_NAMES.tencent),
    );
    expect(failure).toMatchObject({ kind: 'auth', provider: 'aws-secrets-manager', code: 'InvalidSignatureException', httpStatus: 400 });
    expect(secretReads()).toBe(1);
    expectNothingSecretIn(failure);
  });

  test('each attempt, retry and failure is counted under aws-secrets-manager; a refused role is an auth failure, which pages', async () => {
    metrics.discard();
    const { stdout } = await capturingStdout(async () => {
      await failureOf(
        secretsManagerSource(config({ credentials: { ...LOCAL_AWS_CREDENTIALS, secretAccessKey: 'not-the-key' } })).read(LOCAL_SECRET_NAMES.tencent),
      );
      stubAnswer = (_req, res) => res.writeHead(503, { 'content-type': 'application/x-amz-json-1.1' }).end('{"__type":"ServiceUnavailable"}');
      await failureOf(secretsManagerSource(config({ endpoint: stubUrl })).read('any'));
      metrics.flush();
    });
    const counted = Object.fromEntries(
      emfMetrics(stdout).map(({ name, dimensions: { service: _service, upstream, ...rest }, value }) => [
        [name, upstream, ...Object.values(rest)].join(' '),
        value,
      ]),
    );
    expect(counted).toEqual({
      'UpstreamCalls aws-secrets-manager GetSecretValue': 3,
      'UpstreamRetries aws-secrets-manager GetSecretValue': 1,
      'UpstreamFailures aws-secrets-manager GetSecretValue auth': 1,
      'UpstreamFailures aws-secrets-manager GetSecretValue server': 1,
      'UpstreamAuthFailures aws-secrets-manager': 1,
    });
  });

  test('an unknown access key: UnrecognizedClientException', async () => {
    const failure = await failureOf(
      secretsManagerSource(config({ credentials: { ...LOCAL_AWS_CREDENTIALS, accessKeyId: 'AKIDUNKNOWN' } })).read(LOCAL_SECRET_NAMES.tencent),
    );
    expect(failure).toMatchObject({ kind: 'auth', code: 'UnrecognizedClientException' });
    expect(secretReads()).toBe(1);
  });

  test('a secret that does not exist: ResourceNotFoundException, not retried', async () => {
    const failure = await failureOf(secretsManagerSource(config()).read('livegate/no-such-secret'));
    expect(failure).toMatchObject({ kind: 'rejected', code: 'ResourceNotFoundException', httpStatus: 400 });
    expect(secretReads()).toBe(1);
  });

  test('a service error once is absorbed by the one retry', async () => {
    emulator.traffic.addFault({ target: 'secrets', api: 'GetSecretValue', rate: 1, errorCode: 500, times: 1 });
    expect(JSON.parse(await secretsManagerSource(config()).read(LOCAL_SECRET_NAMES.tencent))).toHaveProperty('sdkAppId');
    expect(secretReads()).toBe(2);
  });

  test('a service error that lasts: InternalServiceError after two attempts', async () => {
    emulator.traffic.addFault({ target: 'secrets', api: 'GetSecretValue', rate: 1, errorCode: 500, times: Number.POSITIVE_INFINITY });
    const failure = await failureOf(secretsManagerSource(config()).read(LOCAL_SECRET_NAMES.tencent));
    expect(failure).toMatchObject({ kind: 'server', code: 'InternalServiceError', httpStatus: 500 });
    expect(secretReads()).toBe(2);
  });

  test('an HTML error page from something in between: HTTP_503, retried', async () => {
    emulator.traffic.addFault({ target: 'secrets', api: 'GetSecretValue', rate: 1, httpStatus: 503, times: Number.POSITIVE_INFINITY });
    const failure = await failureOf(secretsManagerSource(config()).read(LOCAL_SECRET_NAMES.tencent));
    expect(failure).toMatchObject({ kind: 'server', code: 'HTTP_503' });
    expect(secretReads()).toBe(2);
  });

  test('throttling, named by the x-amzn-errortype header: rate-limited, retried once', async () => {
    stubAnswer = (_req, res) => {
      res.writeHead(400, { 'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/' });
      res.end('{"message":"Rate exceeded"}');
    };
    const failure = await failureOf(secretsManagerSource(config({ endpoint: stubUrl })).read('any'));
    expect(failure).toMatchObject({ kind: 'rate-limited', code: 'ThrottlingException' });
    expect(stubCalls).toBe(2);
  });

  test('AccessDeniedException with a namespaced __type: an auth failure, not retried', async () => {
    stubAnswer = (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end('{"__type":"com.amazonaws.secretsmanager#AccessDeniedException","Message":"not authorized to perform secretsmanager:GetSecretValue"}');
    };
    const failure = await failureOf(secretsManagerSource(config({ endpoint: stubUrl })).read('any'));
    expect(failure).toMatchObject({ kind: 'auth', code: 'AccessDeniedException' });
    expect(stubCalls).toBe(1);
  });

  test('an error type that is not a type name is not passed on', async () => {
    stubAnswer = (_req, res) => {
      res.writeHead(400);
      res.end('{"__type":"<script>alert(1)</script> secret=abc"}');
    };
    expect(await failureOf(secretsManagerSource(config({ endpoint: stubUrl })).read('any'))).toMatchObject({ kind: 'rejected', code: 'HTTP_400' });
  });

  test('an answer without SecretString (a binary secret) is refused without its content', async () => {
    stubAnswer = (_req, res) => {
      res.writeHead(200);
      res.end('{"Name":"s","SecretBinary":"c2VjcmV0LWJ5dGVz"}');
    };
    const failure = await failureOf(secretsManagerSource(config({ endpoint: stubUrl })).read('any'));
    expect(failure).toMatchObject({ kind: 'rejected', code: 'NoSecretString' });
    expect(failure.message).not.toContain('c2VjcmV0LWJ5dGVz');
    expect(stubCalls).toBe(1);
  });

  test('Secrets Manager unreachable: a network failure with the system code, after two attempts', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const failure = await failureOf(secretsManagerSource(config({ endpoint: `http://127.0.0.1:${port}` })).read('any'));
    expect(failure).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
  });

  test("the caller's deadline ends the read, and no retry follows", async () => {
    stubAnswer = () => undefined; // never answers
    const failure = await failureOf(secretsManagerSource(config({ endpoint: stubUrl })).read('any', Deadline.after(100)));
    expect(failure).toMatchObject({ kind: 'timeout' });
    expect(stubCalls).toBe(1);
  });

  test('a path in the endpoint (a proxy in front) is kept, as the SDK keeps it', async () => {
    let path: string | undefined;
    stubAnswer = (req, res) => {
      path = req.url;
      res.writeHead(200).end('{"SecretString":"s"}');
    };
    const { endpoint } = readSecretsManagerConfig({
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL: `${stubUrl}/proxy/secretsmanager/`,
    });
    expect(await secretsManagerSource(config({ endpoint })).read('any')).toBe('s');
    expect(path).toBe('/proxy/secretsmanager/');
  });

  test('through the secret cache, a failed first read is an unavailable secret naming what AWS said', async () => {
    const cache = new SecretCache({ source: secretsManagerSource(config()), secretId: 'livegate/no-such-secret', parse: (raw) => raw, ttlMs: 1000 });
    expect(await failureOf(cache.get())).toMatchObject({
      kind: 'unavailable',
      provider: 'aws-secrets-manager',
      code: 'ResourceNotFoundException',
      info: 'GetSecretValue failed',
    });
  });
});

describe("a slow Secrets Manager and a request's deadline", () => {
  const slowCache = () => new SecretCache({ source: secretsManagerSource(config({ endpoint: stubUrl })), secretId: 'any', parse: (raw) => raw, ttlMs: 1000 });

  test("a read for a request gives up inside the request's deadline: one attempt, an unavailable secret that says TIMEOUT", async () => {
    stubAnswer = () => undefined; // never answers
    const deadline = Deadline.after(500);
    const failure = await failureOf(slowCache().get(deadline));
    expect(failure).toMatchObject({ kind: 'unavailable', provider: 'aws-secrets-manager', code: 'TIMEOUT' });
    // Without the deadline the read would have had its whole budget: two attempts.
    expect(stubCalls).toBe(1);
  });

  test('a forced re-read (a callback whose signature did not match) keeps to the deadline too', async () => {
    let slow = false;
    stubAnswer = (_req, res) => {
      if (!slow) res.writeHead(200).end('{"SecretString":"first"}');
    };
    const cache = slowCache();
    const first = await cache.get();
    slow = true;
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the refresh cooldown
    const deadline = Deadline.after(500);
    expect(await failureOf(cache.refresh(first.version, deadline))).toMatchObject({ kind: 'unavailable', code: 'TIMEOUT' });
    expect(stubCalls).toBe(2);
  });

  test('a request that finds the init read under way stops waiting for it at its own deadline', async () => {
    stubAnswer = () => undefined;
    const cache = slowCache();
    let initReadSettled = false;
    const initRead = failureOf(cache.get()).finally(() => {
      initReadSettled = true;
    });
    expect(await failureOf(cache.get(Deadline.after(300)))).toMatchObject({ kind: 'unavailable', code: 'TIMEOUT' });
    expect(initReadSettled).toBe(false);
    expect(stubCalls).toBe(1); // the request joined the read under way
    expect(await initRead).toMatchObject({ kind: 'unavailable', code: 'TIMEOUT' });
  });
});

describe('where Secrets Manager is and who signs: the variables the AWS SDK reads', () => {
  const lambda = { AWS_REGION: 'ap-southeast-1', AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: 'token' };

  test("in Lambda: the region's endpoint and the role's temporary credentials", () => {
    expect(readSecretsManagerConfig(lambda)).toEqual({
      endpoint: 'https://secretsmanager.ap-southeast-1.amazonaws.com',
      region: 'ap-southeast-1',
      credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
    });
    expect(readSecretsManagerConfig({ ...lambda, AWS_REGION: 'cn-northwest-1' }).endpoint).toBe('https://secretsmanager.cn-northwest-1.amazonaws.com.cn');
    expect(readSecretsManagerConfig({ ...lambda, AWS_REGION: undefined, AWS_DEFAULT_REGION: 'eu-west-1' }).region).toBe('eu-west-1');
  });

  test('GovCloud regions are under amazonaws.com', () => {
    expect(readSecretsManagerConfig({ ...lambda, AWS_REGION: 'us-gov-west-1' }).endpoint).toBe('https://secretsmanager.us-gov-west-1.amazonaws.com');
  });

  test.each(['us-iso-east-1', 'us-isob-east-1', 'us-isof-south-1', 'eu-isoe-west-1', 'eusc-de-east-1'])(
    'a region of a partition with hosts of its own (%s) is a configuration error naming it, unless the endpoint is given',
    (region) => {
      const attempt = () => readSecretsManagerConfig({ ...lambda, AWS_REGION: region });
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(`AWS_REGION "${region}"`);
      expect(readSecretsManagerConfig({ ...lambda, AWS_REGION: region, AWS_ENDPOINT_URL_SECRETS_MANAGER: 'https://sm.example' }).endpoint).toBe(
        'https://sm.example',
      );
      expect(readSecretsManagerConfig({ ...lambda, AWS_REGION: region, AWS_ENDPOINT_URL: 'https://aws.example' }).endpoint).toBe('https://aws.example');
    },
  );

  test('AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL, replace the endpoint', () => {
    expect(readSecretsManagerConfig({ ...lambda, AWS_ENDPOINT_URL: 'http://127.0.0.1:1/' }).endpoint).toBe('http://127.0.0.1:1');
    expect(
      readSecretsManagerConfig({ ...lambda, AWS_ENDPOINT_URL: 'http://127.0.0.1:1', AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:2' }).endpoint,
    ).toBe('http://127.0.0.1:2');
  });

  test.each([
    [{ AWS_REGION: undefined }, 'AWS_REGION is not set'],
    [{ AWS_REGION: 'eu west 1' }, 'AWS_REGION must be a region name'],
    [{ AWS_ACCESS_KEY_ID: ' ' }, 'AWS_ACCESS_KEY_ID is not set'],
    [{ AWS_SECRET_ACCESS_KEY: undefined }, 'AWS_SECRET_ACCESS_KEY is not set'],
    [{ AWS_ENDPOINT_URL_SECRETS_MANAGER: 'secretsmanager.local' }, 'AWS_ENDPOINT_URL_SECRETS_MANAGER must be an http(s) URL'],
  ])('%o is a configuration error naming the variable, never a value of a key', (change, message) => {
    const attempt = () => readSecretsManagerConfig({ ...lambda, ...change });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });
});
