import { randomBytes } from 'node:crypto';

/**
 * The URL of one direct Tencent Chat REST call (bypassing livegate), with the query every call
 * carries and a fresh random, as Tencent asks of each request.
 */
export const tencentRestUrl = (baseUrl: string, path: string, app: { sdkAppId: number; adminIdentifier: string }, userSig: string): string =>
  `${baseUrl}${path}?sdkappid=${app.sdkAppId}&identifier=${app.adminIdentifier}&usersig=${userSig}&random=${randomBytes(4).readUInt32BE(0)}&contenttype=json`;
