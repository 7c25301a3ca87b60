import { ApiError } from '#lib/http/api-error.ts';
import { rawPathParam } from '#lib/http/path.ts';
import { chooseRequestId } from '#lib/http/request-id.ts';
import { allowedMethods } from '#lib/http/routes.ts';
import { enumList, groupId, Issues, integerInRange, keyList, roomId } from '#lib/http/validate.ts';

const issuesOf = (run: (issues: Issues) => unknown) => {
  const issues = new Issues();
  const value = run(issues);
  return { value, issues: issues.list };
};

describe('validators', () => {
  test.each([
    ['1', 1],
    ['100', 100],
    ['6000', 6000],
    ['0006', 6],
  ])('integerInRange accepts %s', (raw, expected) => {
    expect(issuesOf((i) => integerInRange(raw, 'limit', { min: 1, max: 6000, fallback: 100 }, i))).toEqual({ value: expected, issues: [] });
  });

  test.each(['0', '6001', '-1', '+1', '1.0', '1e2', ' 1', '1 ', '', 'abc', '0x10', '12345678901', '1,2', 'NaN', 'Infinity'])(
    'integerInRange rejects %p',
    (raw) => {
      expect(issuesOf((i) => integerInRange(raw, 'limit', { min: 1, max: 6000, fallback: 100 }, i)).issues).toEqual([
        { field: 'limit', issue: 'must be an integer from 1 to 6000' },
      ]);
    },
  );

  test('integerInRange answers the default when absent', () => {
    expect(issuesOf((i) => integerInRange(undefined, 'limit', { min: 1, max: 6000, fallback: 100 }, i)).value).toBe(100);
  });

  test.each([
    ['@TGS#a6I4ZUUGO', true],
    ['a'.repeat(48), true],
    ['中'.repeat(16), true],
    ['a b', true],
    ['', false],
    ['a'.repeat(49), false],
    [`${'中'.repeat(16)}a`, false],
    ['a\u0000', false],
    ['a\u009f', false],
    ['a\ud800', false],
  ])('groupId %p valid: %p', (value, valid) => {
    expect(issuesOf((i) => groupId(value, i)).issues.length === 0).toBe(valid);
  });

  test.each([
    ['room1', true],
    ['A-z_0.9@x', true],
    ['r'.repeat(128), true],
    ['', false],
    ['r'.repeat(129), false],
    ['room 1', false],
    ['room/1', false],
    ['röom', false],
    ['room+1', false],
  ])('roomId %p valid: %p', (value, valid) => {
    expect(issuesOf((i) => roomId(value, i)).issues.length === 0).toBe(valid);
  });

  test('enumList keeps order, removes repeats, and rejects unknown or empty items', () => {
    expect(issuesOf((i) => enumList('admin,owner,admin', 'roles', ['owner', 'admin', 'member'], i))).toEqual({ value: ['admin', 'owner'], issues: [] });
    expect(issuesOf((i) => enumList('owner,', 'roles', ['owner'], i)).issues).toHaveLength(1);
    expect(issuesOf((i) => enumList('', 'roles', ['owner'], i)).issues).toHaveLength(1);
    expect(issuesOf((i) => enumList(undefined, 'roles', ['owner'], i))).toEqual({ value: undefined, issues: [] });
  });

  test('keyList bounds the number and shape of keys', () => {
    expect(issuesOf((i) => keyList('A,B', 'customFields', 3, i)).value).toEqual(['A', 'B']);
    expect(issuesOf((i) => keyList('A,B,C,D', 'customFields', 3, i)).issues).toHaveLength(1);
    expect(issuesOf((i) => keyList('A B', 'customFields', 3, i)).issues).toHaveLength(1);
  });
});

describe('paths and routes', () => {
  const event = (rawPath: string) => ({ rawPath }) as any;

  test('reads and decodes the raw segment, with or without a stage prefix', () => {
    expect(rawPathParam(event('/v1/groups/%40TGS%23abc/online-count'), 'groupId', '/v1/groups/{groupId}/online-count')).toBe('@TGS#abc');
    expect(rawPathParam(event('/prod/v1/groups/a%2Fb/online-count'), 'groupId', '/v1/groups/{groupId}/online-count')).toBe('a/b');
  });

  test('malformed percent-encoding is an INVALID_ARGUMENT', () => {
    expect(() => rawPathParam(event('/v1/groups/%E0%A4%A/online-count'), 'groupId', '/v1/groups/{groupId}/online-count')).toThrow(ApiError);
  });

  test('allowedMethods tells a known path from an unknown one', () => {
    expect(allowedMethods('/v1/groups/x/admins')).toEqual(['GET', 'POST']);
    expect(allowedMethods('/v1/groups/x/online-members')).toEqual(['GET']);
    expect(allowedMethods('/v1/groups/x/online-count')).toEqual(['GET']);
    expect(allowedMethods('/v1/groups/x')).toEqual([]);
    expect(allowedMethods('/')).toEqual(['GET']);
    expect(allowedMethods('/dashboard/app.js')).toEqual(['GET']);
    expect(allowedMethods('/dashboard')).toEqual([]);
  });

  test('request IDs: a safe caller ID is kept, anything else replaced', () => {
    expect(chooseRequestId({ 'x-request-id': 'abc-123' }, 'lambda-id')).toBe('abc-123');
    expect(chooseRequestId({ 'x-request-id': 'has space' }, 'lambda-id')).toBe('lambda-id');
    expect(chooseRequestId({ 'x-request-id': 'x'.repeat(129) }, 'lambda-id')).toBe('lambda-id');
    expect(chooseRequestId(undefined, 'lambda-id')).toBe('lambda-id');
  });
});
