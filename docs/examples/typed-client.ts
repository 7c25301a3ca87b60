// A typed client of livegate, generated from its OpenAPI description (README, "Typed client"):
//   npx openapi-typescript http://127.0.0.1:3000/openapi.json -o livegate-api.d.ts
//   npm install openapi-fetch
// test/contract/openapi.test.ts generates the types from the running API, type-checks this file
// and runs it, so the README's example keeps working.
import createClient from 'openapi-fetch';
import type { paths } from './livegate-api';

const api = createClient<paths>({
  baseUrl: process.env.LIVEGATE_URL ?? 'http://127.0.0.1:3000',
  // List parameters go as the description says: fields=role,joinTime.
  querySerializer: { array: { style: 'form', explode: false } },
});

const groupId = '@TGS#a6I4ZUUGO';

// The path parameter is percent-encoded for you; `data` is typed by the route's 200 answer.
const count = await api.GET('/v1/groups/{groupId}/online-count', { params: { path: { groupId } } });
if (count.error) {
  // livegate's errors carry `error`; API Gateway's authorization refusals (401/403) only `message`.
  throw new Error('error' in count.error ? `${count.error.error.code}: ${count.error.error.message}` : count.error.message);
}
console.log(`${count.data.groupId}: ${count.data.onlineCount} online at ${count.data.fetchedAt}`);

const page = await api.GET('/v1/groups/{groupId}/members', { params: { path: { groupId }, query: { limit: 10, fields: ['role', 'joinTime'] } } });
for (const member of page.data?.members ?? []) console.log(`${member.account} ${member.role} ${member.joinTime}`);
