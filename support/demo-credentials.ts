// The local demo credentials: what the emulator accepts and its Secrets Manager serves unless
// told otherwise, and what tests, benchmarks and `npm start` sign with. They open nothing real.
// The callback token and secret sign the callbacks the emulator sends (and livegate verifies).

export const DEMO_CREDENTIALS = {
  tencent: {
    sdkAppId: 1400000001,
    secretKey: 'local-demo-tencent-key-not-a-real-secret',
    adminIdentifier: 'administrator',
    callbackToken: 'local-demo-tencent-callback-token-not-real',
  },
  volc: {
    accessKeyId: 'AKLTlocaldemo',
    secretAccessKey: 'local-demo-volc-secret-not-real',
    rtcAppId: 'demo-rtc-app',
    callbackSecret: 'local-demo-volc-callback-secret-not-real',
  },
} as const;

/**
 * The AWS key pair every local run signs its Secrets Manager calls with, and the only one the
 * emulator's Secrets Manager accepts: dummy on purpose, so real AWS credentials are never sent to
 * a local emulator, and verified, so a wrong signature fails locally as it would in AWS.
 */
export const LOCAL_AWS_CREDENTIALS = { accessKeyId: 'AKIDLOCALDEMO', secretAccessKey: 'local-demo-aws-secret-not-real' } as const;

/** Secret names the local stack uses; in AWS the deployer passes ARNs instead. */
export const LOCAL_SECRET_NAMES = { tencent: 'livegate/local/tencent', volc: 'livegate/local/volcengine' } as const;
