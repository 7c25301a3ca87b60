import { DEMO_CREDENTIALS, LOCAL_AWS_CREDENTIALS } from '#support/demo-credentials.ts';

/** Every secret value the suite uses, for the leak scan. Tests that rotate keys use these names. */
export const SECRETS_UNDER_TEST = [
  DEMO_CREDENTIALS.tencent.secretKey,
  DEMO_CREDENTIALS.volc.secretAccessKey,
  DEMO_CREDENTIALS.tencent.callbackToken,
  DEMO_CREDENTIALS.volc.callbackSecret,
  LOCAL_AWS_CREDENTIALS.secretAccessKey,
  'rotated-tencent-key-for-the-test',
  'rotated-volc-secret-for-the-test',
  'rotated-mid-run',
  'chosen-by-the-user-for-this-test',
  'rotated-tencent-callback-token',
  'rotated-volc-callback-secret',
];
