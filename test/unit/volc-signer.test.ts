import { Signer } from '@volcengine/openapi';
import { type QueryValue, signRequest, uriEscape } from '#lib/volc/signer.ts';

// The official SDK's Signer is the oracle: for the same request and time, our Authorization
// header must be identical, byte for byte.

interface Case {
  name: string;
  method: string;
  pathname: string;
  query: Record<string, QueryValue>;
  headers: Record<string, string>;
  body?: string;
  date: Date;
  region: string;
  service: string;
}

const credentials = { accessKeyId: 'AKLTtestkeyid', secretAccessKey: 'c2VjcmV0LWtleS1mb3ItdGVzdHM=' };

const cases: Case[] = [
  {
    name: 'GetRoomOnlineUsers as livegate sends it',
    method: 'GET',
    pathname: '/',
    headers: { Host: 'rtc.volcengineapi.com' },
    query: { Action: 'GetRoomOnlineUsers', Version: '2023-08-01', AppId: 'Your_AppId', RoomId: 'room1' },
    date: new Date('2026-11-21T10:00:00.000Z'),
    region: 'cn-north-1',
    service: 'rtc',
  },
  {
    name: 'empty query',
    method: 'GET',
    pathname: '/',
    headers: {},
    query: {},
    date: new Date('2026-01-01T00:00:00.000Z'),
    region: 'cn-north-1',
    service: 'rtc',
  },
  {
    name: 'odd characters in query values',
    method: 'GET',
    pathname: '/',
    headers: { Host: '127.0.0.1:4010' },
    query: { Action: 'GetRoomOnlineUsers', Version: '2023-08-01', RoomId: "a b+c*d~e!f'g(h)i/j?k&l=m%n@o.p_q-r", AppId: '中文-ünïcode😀' },
    date: new Date('2025-02-28T23:59:59.000Z'),
    region: 'cn-north-1',
    service: 'rtc',
  },
  {
    name: 'keys that sort differently raw and escaped, and a repeated key',
    method: 'GET',
    pathname: '/',
    headers: {},
    query: { 'b key': '1', a_key: '2', B: '3', Zeta: ['y', 'x', 'z'] },
    date: new Date('2024-02-29T12:34:56.000Z'),
    region: 'ap-singapore-1',
    service: 'rtc',
  },
  {
    name: 'POST with a JSON body and extra headers',
    method: 'POST',
    pathname: '/',
    headers: { 'Content-Type': 'application/json', 'X-Custom': '  spaced   value  ' },
    query: { Action: 'StartRecord', Version: '2023-11-01' },
    body: '{"AppId":"a","RoomId":"r"}',
    date: new Date('2026-11-21T10:00:00.000Z'),
    region: 'cn-north-1',
    service: 'rtc',
  },
  {
    name: 'another date crossing a day boundary',
    method: 'GET',
    pathname: '/',
    headers: {},
    query: { Action: 'GetRoomOnlineUsers', Version: '2023-08-01', AppId: 'x', RoomId: 'y' },
    date: new Date('2030-12-31T23:59:59.999Z'),
    region: 'cn-north-1',
    service: 'rtc',
  },
];

describe('Volcengine request signer', () => {
  test.each(cases)('matches the official Signer: $name', (c) => {
    const ours = signRequest({ method: c.method, pathname: c.pathname, query: c.query, headers: c.headers, body: c.body }, credentials, c, c.date);

    // The oracle signs the headers it is given, adds X-Date itself, and computes the body hash
    // from X-Content-Sha256 when present: give it the same headers we signed.
    const { Authorization, 'X-Date': _xDate, ...signedInput } = ours;
    const oracleRequest = { region: c.region, method: c.method, pathname: c.pathname, params: { ...c.query }, headers: { ...signedInput }, body: c.body };
    const oracle = new Signer(oracleRequest as any, c.service);
    oracle.addAuthorization({ accessKeyId: credentials.accessKeyId, secretKey: credentials.secretAccessKey } as any, c.date);

    expect(Authorization).toBe(oracleRequest.headers.Authorization);
    expect(ours['X-Date']).toBe((oracleRequest.headers as Record<string, string>)['X-Date']);
  });

  test('a different secret, date or query changes the signature', () => {
    const base = cases[0] as Case;
    const sign = (overrides: Partial<Case>, secret = credentials.secretAccessKey) => {
      const c = { ...base, ...overrides };
      return signRequest({ method: c.method, query: c.query, headers: c.headers }, { ...credentials, secretAccessKey: secret }, c, c.date).Authorization;
    };
    const reference = sign({});
    expect(sign({}, 'another-secret')).not.toBe(reference);
    expect(sign({ date: new Date('2026-11-21T10:00:01.000Z') })).not.toBe(reference);
    expect(sign({ query: { ...base.query, RoomId: 'room2' } })).not.toBe(reference);
    expect(sign({})).toBe(reference);
  });

  test('escapes exactly as RFC 3986 unreserved characters require', () => {
    expect(uriEscape("AZaz09-_.~ !'()*/?&=%")).toBe('AZaz09-_.~%20%21%27%28%29%2A%2F%3F%26%3D%25');
  });
});
