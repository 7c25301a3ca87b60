// The local demo credentials: what the emulator accepts and its Secrets Manager serves unless
// told otherwise, and what tests, benchmarks and `npm start` sign with. They open nothing real.

export const DEMO_CREDENTIALS = {
  tencent: { sdkAppId: 1400000001, secretKey: 'local-demo-tencent-key-not-a-real-secret', adminIdentifier: 'administrator' },
  volc: { accessKeyId: 'AKLTlocaldemo', secretAccessKey: 'local-demo-volc-secret-not-real', rtcAppId: 'demo-rtc-app' },
} as const;

/** Secret names the local stack uses; in AWS the deployer passes ARNs instead. */
export const LOCAL_SECRET_NAMES = { tencent: 'livegate/local/tencent', volc: 'livegate/local/volcengine' } as const;
