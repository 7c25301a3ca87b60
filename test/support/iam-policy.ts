// Just enough of IAM policy evaluation to ask "may this caller invoke this route?" of the policies
// livegate hands its callers: Allow statements on execute-api:Invoke, resources with IAM wildcards.

export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  [other: string]: unknown;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

const escapeRegExp = (text: string): string => text.replace(/[.+^${}()|[\]\\]/g, '\\$&');

/** IAM's resource and action wildcards: `*` is any run of characters, `/` included; `?` is one character. */
export const wildcardMatches = (pattern: string, value: string): boolean =>
  new RegExp(
    `^${pattern
      .split('')
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : escapeRegExp(char)))
      .join('')}$`,
    's',
  ).test(value);

/**
 * Whether the policy allows `action` on `resource`. Only what these policies may hold is understood: a statement
 * with anything else (Deny, NotAction, NotResource, Condition) throws, so a test never silently misreads one.
 */
export const allows = (policy: PolicyDocument, action: string, resource: string): boolean =>
  policy.Statement.some((statement) => {
    const unexpected = Object.keys(statement).filter((key) => !['Sid', 'Effect', 'Action', 'Resource'].includes(key));
    if (statement.Effect !== 'Allow' || unexpected.length > 0) throw new Error(`statement not understood: ${JSON.stringify(statement)}`);
    const resources = [statement.Resource].flat();
    if (!resources.every((pattern) => typeof pattern === 'string')) throw new Error(`unresolved resource in ${JSON.stringify(statement)}`);
    return (
      [statement.Action].flat().some((pattern) => wildcardMatches(pattern.toLowerCase(), action.toLowerCase())) &&
      (resources as string[]).some((pattern) => wildcardMatches(pattern, resource))
    );
  });

/** Every resource pattern of the policy. */
export const resourcePatterns = (policy: PolicyDocument): string[] => policy.Statement.flatMap((statement) => [statement.Resource].flat() as string[]);

/**
 * Resolves the intrinsic functions a caller policy uses (`Fn::Sub` of pseudo parameters and resource
 * references) with the given values, as CloudFormation would at deploy time.
 */
export const resolveIntrinsics = (value: unknown, references: Record<string, string>): unknown => {
  if (Array.isArray(value)) return value.map((item) => resolveIntrinsics(item, references));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [first] = entries;
  if (entries.length === 1 && first && first[0] === 'Fn::Sub') {
    if (typeof first[1] !== 'string') throw new Error(`Fn::Sub with a variable map is not understood: ${JSON.stringify(value)}`);
    return first[1].replace(/\$\{([^}]+)\}/g, (_match, name: string) => {
      const resolved = references[name];
      if (resolved === undefined) throw new Error(`unknown reference \${${name}}`);
      return resolved;
    });
  }
  if (entries.some(([key]) => key.startsWith('Fn::') || key === 'Ref')) throw new Error(`intrinsic not understood: ${JSON.stringify(value)}`);
  return Object.fromEntries(entries.map(([key, item]) => [key, resolveIntrinsics(item, references)]));
};
