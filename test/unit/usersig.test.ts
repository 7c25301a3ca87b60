import TLSSigAPIv2 from 'tls-sig-api-v2/TLSSigAPIv2.js';
import { verifyUserSig } from '#emulator/usersig-verify.ts';
import { generateUserSig, UserSigCache } from '#lib/tencent/usersig.ts';

// UserSigs made by the library against two oracles: Tencent's official tls-sig-api-v2 package (the
// same UserSig for the same time, byte for byte) and the emulator's independent verifier.

const credentials = { sdkAppId: 1400000001, secretKey: 'unit-test-key', adminIdentifier: 'administrator' };
const expected = { sdkAppId: credentials.sdkAppId, identifier: credentials.adminIdentifier, secretKey: credentials.secretKey };
const now = () => Math.floor(Date.now() / 1000);

describe('UserSig', () => {
  test.each([
    { sdkAppId: 1400000001, secretKey: 'unit-test-key', adminIdentifier: 'administrator', lifetime: 86_400, at: 1_795_000_000 },
    { sdkAppId: 1600012345, secretKey: '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e', adminIdentifier: 'admin_直播', lifetime: 60, at: 1 },
    { sdkAppId: 20000000, secretKey: 'k+/=', adminIdentifier: 'a b"c\\', lifetime: 15_552_000, at: 2_000_000_000 },
  ])('the same UserSig as the official tls-sig-api-v2 for $adminIdentifier at $at', ({ lifetime, at, ...credentials }) => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(at * 1000 + 999);
    try {
      const official = new TLSSigAPIv2.Api(credentials.sdkAppId, credentials.secretKey).genUserSig(credentials.adminIdentifier, lifetime);
      expect(generateUserSig(credentials, lifetime)).toBe(official);
      expect(generateUserSig(credentials, lifetime, at)).toBe(official);
    } finally {
      now.mockRestore();
    }
  });

  test('a fresh UserSig is accepted', () => {
    expect(verifyUserSig(generateUserSig(credentials, 3600), expected)).toEqual({ ok: true });
  });

  test('an expired UserSig is rejected with 70001', () => {
    const userSig = generateUserSig(credentials, 60);
    expect(verifyUserSig(userSig, expected, now() + 61)).toMatchObject({ ok: false, errorCode: 70001 });
    expect(verifyUserSig(userSig, expected, now() + 59)).toEqual({ ok: true });
  });

  test('a UserSig for another identifier is rejected with 70013', () => {
    const userSig = generateUserSig({ ...credentials, adminIdentifier: 'someone_else' }, 3600);
    expect(verifyUserSig(userSig, expected)).toMatchObject({ ok: false, errorCode: 70013 });
  });

  test('a UserSig signed with another key is rejected with 70009', () => {
    const userSig = generateUserSig({ ...credentials, secretKey: 'a-different-key' }, 3600);
    expect(verifyUserSig(userSig, expected)).toMatchObject({ ok: false, errorCode: 70009 });
  });

  test('a UserSig for another SDKAppID is rejected with 70014', () => {
    const userSig = generateUserSig({ ...credentials, sdkAppId: 1400000002 }, 3600);
    expect(verifyUserSig(userSig, expected)).toMatchObject({ ok: false, errorCode: 70014 });
  });

  test('tampered or malformed UserSigs are rejected', () => {
    const userSig = generateUserSig(credentials, 3600);
    const flipped = userSig.slice(0, 20) + (userSig[20] === 'A' ? 'B' : 'A') + userSig.slice(21);
    expect(verifyUserSig(flipped, expected)).toMatchObject({ ok: false });
    expect(verifyUserSig('not a usersig!', expected)).toMatchObject({ ok: false, errorCode: 70003 });
    expect(verifyUserSig('', expected)).toMatchObject({ ok: false, errorCode: 70003 });
    expect(verifyUserSig('eJyrVkrOz0nNTVWyUlAqSy0qzszPUzIwMNAzUNJRSs5JTc1LS81TsqpWKi1OLYrPTFGyUjJWqgUAGE8M3w__', expected)).toMatchObject({ ok: false });
  });

  test('the cache reuses a UserSig, renews it at half-life and after invalidation, and follows new credentials', () => {
    let clock = 1_000_000;
    const cache = new UserSigCache({ lifetimeSeconds: 100, clock: () => clock });
    const first = cache.get(credentials);
    expect(cache.get(credentials)).toBe(first);
    expect(cache.generated).toBe(1);
    clock += 49_000;
    cache.get(credentials);
    expect(cache.generated).toBe(1);
    clock += 2_000;
    cache.get(credentials);
    expect(cache.generated).toBe(2);
    cache.invalidate();
    cache.get(credentials);
    expect(cache.generated).toBe(3);
    const rotated = { ...credentials, secretKey: 'rotated-key' };
    expect(verifyUserSig(cache.get(rotated), { ...expected, secretKey: 'rotated-key' })).toEqual({ ok: true });
    expect(cache.generated).toBe(4);
  });
});
