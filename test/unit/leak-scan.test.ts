import { scanText } from '#test/support/leak-scan.ts';

describe('leak scan', () => {
  test('finds planted credentials and ignores redacted ones', () => {
    const text = [
      '{"message":"ok","url":"https://x/v4/a?usersig=[REDACTED]&random=1"}',
      '{"message":"bad","url":"https://x/v4/a?usersig=eJyrVkrOz0nNTVWyUlAqSy0q&random=1"}',
      `Authorization: HMAC-SHA256 Credential=AK/20261121/cn-north-1/rtc/request, SignedHeaders=x-date, Signature=${'a'.repeat(64)}`,
      '{"secretKey":"[REDACTED]"}',
      '{"secretAccessKey":"plain"}',
      'the key is super-secret-value here',
      `token eJ${'x'.repeat(80)}`,
    ].join('\n');
    expect(scanText(text, 'f', ['super-secret-value']).map((leak) => [leak.line, leak.kind])).toEqual([
      [2, 'usersig query value'],
      [3, 'Volcengine Authorization'],
      [5, 'secret field with a value'],
      [6, 'a known secret value'],
      [7, 'UserSig token'],
    ]);
  });
});
