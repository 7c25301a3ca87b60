import { MAX_ADMINS } from '#lib/groups/admins.ts';
import { MAX_MEMBER_LIMIT } from '#lib/groups/members.ts';
import type { IntegerRange } from './validate.ts';

// What the endpoints accept beyond their path: query names, ranges and enums. The handlers
// validate with these values and the OpenAPI description (lib/openapi/) states them, so a
// limit changed here changes both. Kept free of heavy imports: every handler bundles it.

export const MEMBERS_QUERY = ['limit', 'offset', 'fields', 'roles', 'customFields'] as const;
export const MEMBERS_LIMIT: IntegerRange = { min: 1, max: MAX_MEMBER_LIMIT, fallback: 100 };
export const MEMBERS_OFFSET: IntegerRange = { min: 0, max: 2_147_483_647, fallback: 0 };
export const MAX_CUSTOM_FIELDS = 20;

export const ONLINE_MEMBERS_QUERY = ['cursor'] as const;

/** The room endpoints' query: the RTC AppId, default the deployment's. */
export const ROOM_QUERY = ['appId'] as const;

export const ADMIN_ACTIONS = ['set', 'cancel'] as const;
export const ADMIN_ACCOUNTS_MAX = MAX_ADMINS;
export const ACCOUNT_MAX_BYTES = 32;

export const TARGET_KINDS = ['group', 'room'] as const;
export const TRACKING_LIST_QUERY = ['kind', 'limit', 'cursor'] as const;
export const TRACKING_LIST_LIMIT: IntegerRange = { min: 1, max: 1000, fallback: 100 };
