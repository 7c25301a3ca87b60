import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// `serverless package` into a folder of its own (no AWS account needed), for the template test
// and the cold-start benchmark, and what they read from the result.

/** ARNs in the shape a deployer passes; no secret behind them. */
export const EXAMPLE_SECRET_ARNS = {
  tencent: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:livegate/tencent-AbCdEf',
  volc: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:livegate/volcengine-AbCdEf',
};

export interface PackagedService {
  dir: string;
  template: { Resources: Record<string, { Type: string; Properties: any }> };
  templateText: string;
}

/** Packages the service for `stage` with the example ARNs and `params` (`name=value`), and reads its CloudFormation template. */
export const packageService = (options: { stage?: string; params?: string[] } = {}): PackagedService => {
  const dir = mkdtempSync(path.join(tmpdir(), 'livegate-package-'));
  execFileSync(
    process.execPath,
    [
      path.join(process.cwd(), 'node_modules/osls/bin/serverless.js'),
      'package',
      '--stage',
      options.stage ?? 'test',
      '--package',
      dir,
      `--param=tencentSecretArn=${EXAMPLE_SECRET_ARNS.tencent}`,
      `--param=volcSecretArn=${EXAMPLE_SECRET_ARNS.volc}`,
      ...(options.params ?? []).map((param) => `--param=${param}`),
    ],
    {
      cwd: process.cwd(),
      // A build folder of its own, so packaging never shares esbuild's output with a running serverless-offline.
      env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', LIVEGATE_BUILD_DIR: `.esbuild-package-${process.pid}` },
      stdio: 'pipe',
    },
  );
  const templateText = readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8');
  return { dir, template: JSON.parse(templateText), templateText };
};

/** Unzips every function's package into `<dir>/unpacked/<zip name>`; returns that folder. */
export const unpackFunctions = (service: PackagedService): string => {
  const unpacked = path.join(service.dir, 'unpacked');
  for (const zip of readdirSync(service.dir).filter((file) => file.endsWith('.zip'))) {
    const target = path.join(unpacked, zip.replace(/\.zip$/, ''));
    mkdirSync(target, { recursive: true });
    execFileSync('unzip', ['-q', '-o', path.join(service.dir, zip), '-d', target]);
  }
  return unpacked;
};

export const resourcesOfType = (service: PackagedService, type: string) =>
  Object.entries(service.template.Resources).filter(([, resource]) => resource.Type === type);

/** Every statement of every inline policy of a role, flattened. */
export const roleStatements = (service: PackagedService, roleName: string): Array<{ Action: string | string[]; Resource: unknown }> => {
  const role = service.template.Resources[roleName];
  if (!role) throw new Error(`no role ${roleName}`);
  return role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
};
