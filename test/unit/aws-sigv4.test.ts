import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { type AwsCredentials, type AwsSignableRequest, signAwsRequest } from '#lib/aws/sigv4.ts';

// Two oracles for livegate's SigV4 signer: AWS's published signature test suite (the requests and
// the Authorization AWS gives for each, with its example key), and @smithy/signature-v4, the AWS
// SDK's own signer, over generated requests. Every vector is also checked against smithy, so a
// vector copied wrong would show up as the two oracles disagreeing.

const EXAMPLE_KEY: AwsCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const EXAMPLE_DATE = new Date('2015-08-30T12:36:00Z');
const EXAMPLE_SCOPE = { region: 'us-east-1', service: 'service' };
const HOST = { host: 'example.amazonaws.com' };

const smithySign = async (request: AwsSignableRequest, credentials: AwsCredentials, scope: typeof EXAMPLE_SCOPE, date: Date): Promise<string> => {
  const signer = new SignatureV4({ ...scope, credentials, sha256: Sha256, applyChecksum: false });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'https:',
      hostname: request.headers.host as string,
      path: request.path,
      query: request.query ?? {},
      headers: request.headers,
      body: request.body,
    },
    { signingDate: date, signableHeaders: new Set(Object.keys(request.headers).map((name) => name.toLowerCase())) },
  );
  return String(signed.headers.authorization);
};

// From AWS's SigV4 test suite (aws-sig-v4-test-suite): name, request, and the published signature.
const VECTORS: Array<{ name: string; request: AwsSignableRequest; signedHeaders: string; signature: string }> = [
  {
    name: 'get-vanilla',
    request: { method: 'GET', path: '/', headers: HOST, body: '' },
    signedHeaders: 'host;x-amz-date',
    signature: '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
  },
  {
    name: 'get-vanilla-query-order-key-case',
    request: { method: 'GET', path: '/', query: { Param2: 'value2', Param1: 'value1' }, headers: HOST, body: '' },
    signedHeaders: 'host;x-amz-date',
    signature: 'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
  },
  {
    name: 'get-vanilla-query-unreserved',
    request: {
      method: 'GET',
      path: '/',
      query: { '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz': '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz' },
      headers: HOST,
      body: '',
    },
    signedHeaders: 'host;x-amz-date',
    signature: '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197',
  },
  {
    name: 'get-vanilla-utf8-query',
    request: { method: 'GET', path: '/', query: { ሴ: 'bar' }, headers: HOST, body: '' },
    signedHeaders: 'host;x-amz-date',
    signature: '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04',
  },
  {
    name: 'get-unreserved',
    request: { method: 'GET', path: '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz', headers: HOST, body: '' },
    signedHeaders: 'host;x-amz-date',
    signature: '07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f',
  },
  {
    name: 'get-utf8',
    request: { method: 'GET', path: '/ሴ', headers: HOST, body: '' },
    signedHeaders: 'host;x-amz-date',
    signature: '8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85',
  },
  {
    name: 'get-header-value-trim',
    request: { method: 'GET', path: '/', headers: { ...HOST, 'My-Header1': ' value1', 'My-Header2': ' "a   b   c"' }, body: '' },
    signedHeaders: 'host;my-header1;my-header2;x-amz-date',
    signature: 'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736',
  },
  {
    name: 'post-vanilla',
    request: { method: 'POST', path: '/', headers: HOST, body: '' },
    signedHeaders: 'host;x-amz-date',
    signature: '5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
  },
  {
    name: 'post-vanilla-query',
    request: { method: 'POST', path: '/', query: { Param1: 'value1' }, headers: HOST, body: '' },
    signedHeaders: 'host;x-amz-date',
    signature: '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11',
  },
  {
    name: 'post-x-www-form-urlencoded',
    request: { method: 'POST', path: '/', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...HOST }, body: 'Param1=value1' },
    signedHeaders: 'content-type;host;x-amz-date',
    signature: 'ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a',
  },
];

describe("AWS's published SigV4 test suite", () => {
  test.each(VECTORS)('$name', async ({ request, signedHeaders, signature }) => {
    const published = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    expect(signAwsRequest(request, EXAMPLE_KEY, EXAMPLE_SCOPE, EXAMPLE_DATE).authorization).toBe(published);
    expect(await smithySign(request, EXAMPLE_KEY, EXAMPLE_SCOPE, EXAMPLE_DATE)).toBe(published);
  });

  test('with temporary credentials, the session token is sent and signed', () => {
    const headers = signAwsRequest(
      { method: 'GET', path: '/', headers: HOST, body: '' },
      { ...EXAMPLE_KEY, sessionToken: 'token' },
      EXAMPLE_SCOPE,
      EXAMPLE_DATE,
    );
    expect(headers['x-amz-security-token']).toBe('token');
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers.authorization).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token,');
  });
});

describe('the same Authorization as @smithy/signature-v4', () => {
  test('for a Secrets Manager GetSecretValue as livegate sends it', async () => {
    const request: AwsSignableRequest = {
      method: 'POST',
      path: '/',
      headers: {
        host: 'secretsmanager.ap-southeast-1.amazonaws.com',
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'secretsmanager.GetSecretValue',
      },
      body: JSON.stringify({ SecretId: 'arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:livegate/tencent-AbCdEf' }),
    };
    const credentials = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret/with+symbols', sessionToken: 'IQoJb3JpZ2luX2VjE//long+token==' };
    const scope = { region: 'ap-southeast-1', service: 'secretsmanager' };
    const date = new Date('2026-11-23T16:00:00Z');
    expect(signAwsRequest(request, credentials, scope, date).authorization).toBe(await smithySign(request, credentials, scope, date));
  });

  test('for any request: paths, queries, header spacing, bodies, dates, temporary credentials', async () => {
    const text = (chars: string, maxLength: number) => fc.string({ unit: fc.constantFrom(...chars), maxLength });
    const pathChars = "abcXYZ019-._~/%!*()' +=&?:@ሴé直";
    const headerName = fc
      .stringMatching(/^[a-z][a-z0-9-]{0,15}$/)
      .filter((name) => !['host', 'x-amz-date', 'x-amz-security-token', 'authorization'].includes(name));
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
          path: text(pathChars, 40).map((path) => `/${path}`),
          query: fc.dictionary(text(pathChars, 10), text(pathChars, 10), { maxKeys: 4 }),
          extraHeaders: fc.dictionary(headerName, text('abc XYZ09\t;,="', 20), { maxKeys: 4 }),
          body: fc.string({ maxLength: 200 }),
          sessionToken: fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{1,40}$/), { nil: undefined }),
          date: fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2035-01-01T00:00:00Z'), noInvalidDate: true }),
          region: fc.constantFrom('us-east-1', 'eu-west-1', 'cn-north-1'),
        }),
        async ({ method, path, query, extraHeaders, body, sessionToken, date, region }) => {
          const request: AwsSignableRequest = { method, path, query, headers: { host: 'example.amazonaws.com', ...extraHeaders }, body };
          const credentials = { ...EXAMPLE_KEY, ...(sessionToken ? { sessionToken } : {}) };
          const scope = { region, service: 'secretsmanager' };
          const signedAt = new Date(Math.floor(date.getTime() / 1000) * 1000);
          expect(signAwsRequest(request, credentials, scope, signedAt).authorization).toBe(await smithySign(request, credentials, scope, signedAt));
        },
      ),
      { numRuns: 300 },
    );
  });
});
