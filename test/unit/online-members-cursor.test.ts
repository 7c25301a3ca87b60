import { decodeOnlineMembersCursor, encodeOnlineMembersCursor } from '#lib/groups/online-members.ts';

// The online-members cursor: base64url JSON of the group and upstream's NextTimestamp, with a check.

const decodeJson = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));

describe('online-members cursor', () => {
  test.each([
    ['an ASCII group ID', '@TGS#a6I4ZUUGO', 1],
    ['a multi-byte group ID', '中'.repeat(16), 3_670_016_000_000_001],
    ['quotes and backslashes', 'a"b\\c', 42],
    ['the largest safe integer', '@TGS#aX', Number.MAX_SAFE_INTEGER],
  ])('round-trips %s', (_name, groupId, timestamp) => {
    const cursor = encodeOnlineMembersCursor({ groupId, timestamp });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeJson(cursor)).toEqual({ groupId, timestamp, check: expect.any(String) });
    expect(decodeOnlineMembersCursor(cursor, groupId)).toEqual({ groupId, timestamp });
  });

  test('belongs to its group only', () => {
    const cursor = encodeOnlineMembersCursor({ groupId: '@TGS#aONE', timestamp: 7 });
    expect(decodeOnlineMembersCursor(cursor, '@TGS#aTWO')).toBeUndefined();
    expect(decodeOnlineMembersCursor(cursor, '@TGS#aone')).toBeUndefined();
  });

  test('any edit of a real cursor is refused', () => {
    const groupId = '@TGS#aEDITS';
    const cursor = encodeOnlineMembersCursor({ groupId, timestamp: 3_670_016_000_012_345 });
    const fields = decodeJson(cursor);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // Every single-character change, at every position.
    for (let at = 0; at < cursor.length; at += 1) {
      for (const replacement of alphabet) {
        if (replacement === cursor[at]) continue;
        const edited = `${cursor.slice(0, at)}${replacement}${cursor.slice(at + 1)}`;
        expect({ edited, decoded: decodeOnlineMembersCursor(edited, groupId) }).toEqual({ edited, decoded: undefined });
      }
    }
    for (const edited of [
      `${cursor}A`,
      `${cursor}=`,
      cursor.slice(0, -1),
      ` ${cursor}`,
      encode({ ...fields, timestamp: fields.timestamp + 1 }),
      encode({ ...fields, check: fields.check.toUpperCase() }),
      encode({ groupId, timestamp: fields.timestamp }),
      encode({ ...fields, more: 1 }),
      encode({ timestamp: fields.timestamp, groupId, check: fields.check }),
    ]) {
      expect({ edited, decoded: decodeOnlineMembersCursor(edited, groupId) }).toEqual({ edited, decoded: undefined });
    }
  });

  test.each(['', 'x', '%%', 'a,b', 'null', Buffer.from('null').toString('base64url'), Buffer.from('[1,2]').toString('base64url'), 'A'.repeat(513)])(
    'refuses %p',
    (text) => {
      expect(decodeOnlineMembersCursor(text, '@TGS#aX')).toBeUndefined();
    },
  );

  test.each([0, -1, 1.5, Number.MAX_SAFE_INTEGER + 1])('is never made up for timestamp %p', (timestamp) => {
    // Encoding is ours to call with upstream's NextTimestamp; decoding refuses what upstream never sends.
    expect(decodeOnlineMembersCursor(encodeOnlineMembersCursor({ groupId: '@TGS#aX', timestamp }), '@TGS#aX')).toBeUndefined();
  });
});
