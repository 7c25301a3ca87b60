import { parseArgs } from 'node:util';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { readDashboardFiles } from './files.ts';
import { type ProxyAuth, regionOfApiUrl, startDashboardProxy } from './proxy.ts';

// npm run dashboard -- --api <base URL> [--port 8300] [--region r] [--profile p] [--token t | --auth none]
// The dashboard of a deployed stack on http://127.0.0.1:<port>/, its calls signed with your AWS
// credentials (authMode=iam) or sent with a bearer token (authMode=jwt). See README "Dashboard".

const USAGE = `Usage: npm run dashboard -- --api <base URL> [options]

  --api <url>        the deployed API, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com
  --port <n>         local port (default 8300; 0 picks a free one); always on 127.0.0.1
  --auth <mode>      iam (default): SigV4 with your AWS credentials (the SDK's default chain:
                     environment, AWS_PROFILE / --profile, SSO, container or instance role);
                     jwt: a bearer token (--token, or LIVEGATE_TOKEN); none: no authorization
  --region <r>       signing region (default: read from an execute-api URL)
  --profile <name>   AWS profile for iam
  --token <jwt>      bearer token for jwt (implies --auth jwt); LIVEGATE_TOKEN keeps it out of
                     your shell history
`;

const fail = (message: string): never => {
  process.stderr.write(`${message}\n\n${USAGE}`);
  process.exit(2);
};

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        api: { type: 'string' },
        port: { type: 'string', default: '8300' },
        auth: { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    return fail((error as Error).message);
  }
})();

if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const api = values.api ?? fail('--api is required');
try {
  new URL(api);
} catch {
  fail(`--api must be a URL, got "${api}"`);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`--port must be a port number, got "${values.port}"`);
const token = values.token ?? process.env.LIVEGATE_TOKEN;
const mode = values.auth ?? (token ? 'jwt' : 'iam');

const chooseAuth = async (): Promise<{ auth: ProxyAuth; described: string }> => {
  if (mode === 'iam') {
    const region = values.region ?? regionOfApiUrl(api) ?? fail('--region is required: the signing region cannot be read from this URL');
    const credentials = fromNodeProviderChain(values.profile ? { profile: values.profile } : {});
    try {
      await credentials();
    } catch (error) {
      fail(`No AWS credentials for signing: ${(error as Error).message}`);
    }
    const profile = values.profile ? ` (profile ${values.profile})` : '';
    return { auth: { mode: 'iam', region, credentials }, described: `SigV4 (execute-api, ${region}) with your AWS credentials${profile}` };
  }
  if (mode === 'jwt') return { auth: { mode: 'jwt', token: token ?? fail('--auth jwt needs --token or LIVEGATE_TOKEN') }, described: 'a bearer token' };
  if (mode === 'none') return { auth: { mode: 'none' }, described: 'no authorization' };
  return fail(`--auth must be iam, jwt or none, got "${mode}"`);
};

const { auth, described } = await chooseAuth();
const proxy = await startDashboardProxy({ api, auth, files: readDashboardFiles(), port }).catch((error: Error) =>
  fail(`Cannot listen on 127.0.0.1:${port}: ${error.message}`),
);
process.stdout.write(`livegate dashboard for ${api}
  calls forwarded with ${described}; reads (GET /v1/...) only

  Open ${proxy.url}

Ctrl-C stops it.
`);

const stop = () => void proxy.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
