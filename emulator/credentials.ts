import { DEMO_CREDENTIALS } from '#support/demo-credentials.ts';

// The credentials the emulator accepts, signs its callbacks with, and serves from its Secrets
// Manager endpoint: chosen through the environment, else the local demo values.

export interface EmulatorCredentials {
  tencent: { sdkAppId: number; secretKey: string; adminIdentifier: string; callbackToken: string };
  volc: { accessKeyId: string; secretAccessKey: string; rtcAppId: string; callbackSecret: string };
}

export const credentialsFromEnv = (env: Record<string, string | undefined> = process.env): EmulatorCredentials => {
  const sdkAppId = Number(env.TENCENT_SDK_APP_ID ?? DEMO_CREDENTIALS.tencent.sdkAppId);
  if (!Number.isInteger(sdkAppId) || sdkAppId <= 0) throw new Error('TENCENT_SDK_APP_ID must be a positive integer');
  return {
    tencent: {
      sdkAppId,
      secretKey: env.TENCENT_SECRET_KEY || DEMO_CREDENTIALS.tencent.secretKey,
      adminIdentifier: env.TENCENT_ADMIN_IDENTIFIER || DEMO_CREDENTIALS.tencent.adminIdentifier,
      callbackToken: env.TENCENT_CALLBACK_TOKEN || DEMO_CREDENTIALS.tencent.callbackToken,
    },
    volc: {
      accessKeyId: env.VOLC_ACCESS_KEY_ID || DEMO_CREDENTIALS.volc.accessKeyId,
      secretAccessKey: env.VOLC_SECRET_ACCESS_KEY || DEMO_CREDENTIALS.volc.secretAccessKey,
      rtcAppId: env.VOLC_RTC_APP_ID || DEMO_CREDENTIALS.volc.rtcAppId,
      callbackSecret: env.VOLC_CALLBACK_SECRET || DEMO_CREDENTIALS.volc.callbackSecret,
    },
  };
};
