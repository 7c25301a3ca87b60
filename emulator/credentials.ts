// The credentials the emulator accepts, and serves from its Secrets Manager endpoint. The
// defaults are local demo values, documented in the README; they open nothing real.

export interface EmulatorCredentials {
  tencent: { sdkAppId: number; secretKey: string; adminIdentifier: string };
  volc: { accessKeyId: string; secretAccessKey: string; rtcAppId: string };
}

export const DEFAULT_CREDENTIALS: EmulatorCredentials = {
  tencent: { sdkAppId: 1400000001, secretKey: 'local-demo-tencent-key-not-a-real-secret', adminIdentifier: 'administrator' },
  volc: { accessKeyId: 'AKLTlocaldemo', secretAccessKey: 'local-demo-volc-secret-not-real', rtcAppId: 'demo-rtc-app' },
};

/** Secret names the local stack uses; in AWS the deployer passes ARNs instead. */
export const LOCAL_SECRET_NAMES = { tencent: 'livegate/local/tencent', volc: 'livegate/local/volcengine' } as const;

export const credentialsFromEnv = (env: Record<string, string | undefined> = process.env): EmulatorCredentials => {
  const sdkAppId = Number(env.TENCENT_SDK_APP_ID ?? DEFAULT_CREDENTIALS.tencent.sdkAppId);
  if (!Number.isInteger(sdkAppId) || sdkAppId <= 0) throw new Error('TENCENT_SDK_APP_ID must be a positive integer');
  return {
    tencent: {
      sdkAppId,
      secretKey: env.TENCENT_SECRET_KEY || DEFAULT_CREDENTIALS.tencent.secretKey,
      adminIdentifier: env.TENCENT_ADMIN_IDENTIFIER || DEFAULT_CREDENTIALS.tencent.adminIdentifier,
    },
    volc: {
      accessKeyId: env.VOLC_ACCESS_KEY_ID || DEFAULT_CREDENTIALS.volc.accessKeyId,
      secretAccessKey: env.VOLC_SECRET_ACCESS_KEY || DEFAULT_CREDENTIALS.volc.secretAccessKey,
      rtcAppId: env.VOLC_RTC_APP_ID || DEFAULT_CREDENTIALS.volc.rtcAppId,
    },
  };
};
