import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const EXAMPLE_SECRET_ARNS = {
  tencent: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:livegate/tencent-AbCdEf',
  volc: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:livegate/volcengine-AbCdEf',
};

export interface PackagedService {
  dir: string;
  template: { Resources: Record<string, { Type: string; Properties: any }> };
  templateText: string;
}

/** Runs `serverless package` (no AWS account needed) and returns the CloudFormation template. */
export const packageService = (extraParams: string[] = []): PackagedService => {
  const dir = mkdtempSync(path.join(tmpdir(), 'livegate-package-'));
  execFileSync(process.execPath, [
    path.join(process.cwd(), 'node_modules/osls/bin/serverless.js'), 'package', '--stage', 'test', '--package', dir,
    `--param=tencentSecretArn=${EXAMPLE_SECRET_ARNS.tencent}`,
    `--param=volcSecretArn=${EXAMPLE_SECRET_ARNS.volc}`,
    ...extraParams.map((param) => `--param=${param}`),
  ], { cwd: process.cwd(), env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', LIVEGATE_BUILD_DIR: `.esbuild-package-${process.pid}` }, stdio: 'pipe' });
  const templateText = readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8');
  return { dir, template: JSON.parse(templateText), templateText };
};

export const resourcesOfType = (service: PackagedService, type: string) =>
  Object.entries(service.template.Resources).filter(([, resource]) => resource.Type === type);

/** Every statement of every inline policy of a role, flattened. */
export const roleStatements = (service: PackagedService, roleName: string): Array<{ Action: string | string[]; Resource: unknown }> => {
  const role = service.template.Resources[roleName];
  if (!role) throw new Error(`no role ${roleName}`);
  return role.Properties.Policies.flatMap((policy: any) => policy.PolicyDocument.Statement);
};
