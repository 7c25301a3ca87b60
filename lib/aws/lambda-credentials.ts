import { fromEnv } from '@aws-sdk/credential-provider-env';

// Bundled in place of @aws-sdk/credential-provider-node (the esbuild alias in serverless.yml).
// Lambda always hands a function its role's credentials in the environment, so the default
// chain's other sources (SSO, ini files, IMDS, web identity, and the STS/SSO clients they
// need) are dead weight: about a third of each bundle and its cold start.
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
export const credentialsWillNeedRefresh = (): boolean => false;
export const credentialsTreatedAsExpired = (): boolean => false;
