import { composeTencentApi } from '#lib/compose/upstream-functions.ts';
import { type AdminAction, changeAdmins } from '#lib/groups/admins.ts';
import { httpFunction } from '#lib/http/handler.ts';
import { ACCOUNT_MAX_BYTES, ADMIN_ACCOUNTS_MAX, ADMIN_ACTIONS } from '#lib/http/inputs.ts';
import { readJsonBody } from '#lib/http/json-body.ts';
import { rawPathParam } from '#lib/http/path.ts';
import { groupId, hasControlCharacters, Issues, knownQuery } from '#lib/http/validate.ts';

const ROUTE = '/v1/groups/{groupId}/admins';

const parseAccounts = (value: unknown, issues: Issues): string[] | undefined => {
  if (!Array.isArray(value) || value.length < 1 || value.length > ADMIN_ACCOUNTS_MAX) {
    return issues.add('accounts', `must be an array of 1 to ${ADMIN_ACCOUNTS_MAX} accounts`);
  }
  value.forEach((account, index) => {
    if (typeof account !== 'string' || account.trim() === '') {
      issues.add(`accounts[${index}]`, 'must be a non-empty string');
    } else if (Buffer.byteLength(account, 'utf8') > ACCOUNT_MAX_BYTES || hasControlCharacters(account) || !account.isWellFormed()) {
      issues.add(`accounts[${index}]`, `must be at most ${ACCOUNT_MAX_BYTES} bytes of UTF-8 without control characters`);
    }
  });
  if (new Set(value).size !== value.length) issues.add('accounts', 'must not repeat an account');
  return value as string[];
};

export const handler = httpFunction(
  () => composeTencentApi(process.env),
  async ({ event, deadline }, { tencent }) => {
    const issues = new Issues();
    const id = groupId(rawPathParam(event, 'groupId', ROUTE), issues);
    knownQuery(event.queryStringParameters, [], issues);
    issues.throwIfAny();
    const body = readJsonBody(event);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      issues.add('body', 'must be a JSON object with "action" and "accounts"');
      issues.throwIfAny();
    }
    const fields = body as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (key !== 'action' && key !== 'accounts') issues.add(key, 'is not a field of this request');
    }
    const action = (ADMIN_ACTIONS as readonly unknown[]).includes(fields.action)
      ? (fields.action as AdminAction)
      : issues.add('action', 'must be "set" or "cancel"');
    const accounts = parseAccounts(fields.accounts, issues);
    issues.throwIfAny();
    return { body: await changeAdmins(tencent, { groupId: id as string, action: action as AdminAction, accounts: accounts as string[] }, deadline) };
  },
);
