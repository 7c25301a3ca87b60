import { redact, redactText } from '#lib/redact.ts';

describe('redaction', () => {
  test('sensitive keys are replaced at any depth', () => {
    expect(redact({ usersig: 'abc', nested: { Authorization: 'HMAC-SHA256 x', list: [{ secretKey: 'k' }] }, keep: 'ok' })).toEqual({
      usersig: '[REDACTED]',
      nested: { Authorization: '[REDACTED]', list: [{ secretKey: '[REDACTED]' }] },
      keep: 'ok',
    });
  });

  test('usersig in a URL is replaced, the rest of the URL kept', () => {
    expect(redactText('https://x/v4/a?sdkappid=1&identifier=admin&usersig=eJyr*-_abc&random=5')).toBe(
      'https://x/v4/a?sdkappid=1&identifier=admin&usersig=[REDACTED]&random=5',
    );
  });

  test('Authorization headers and JSON-looking secrets in free text are replaced', () => {
    const header = 'HMAC-SHA256 Credential=AKLT/20261121/cn-north-1/rtc/request, SignedHeaders=host;x-date, Signature=0123abcd';
    expect(redactText(`authorization: ${header}`)).not.toContain('0123abcd');
    expect(redactText(header)).not.toContain('AKLT');
    expect(redactText('{"secretKey":"s3cr3t","sdkAppId":1}')).toBe('{"secretKey":"[REDACTED]","sdkAppId":1}');
    expect(redactText('{"secretAccessKey": "s3cr3t"}')).not.toContain('s3cr3t');
  });

  test('errors keep their name and message, redacted', () => {
    expect(redact(new Error('failed at ?usersig=abc'))).toEqual({ name: 'Error', message: 'failed at ?usersig=[REDACTED]' });
  });
});
