// Log lines are read by more people than secrets should be: anything that can sign a request
// (UserSig, Authorization, secret keys) is replaced before a line is written.

const SENSITIVE_KEY =
  /^(usersig|user_sig|authorization|x-amz-security-token|secretkey|secret_key|secretaccesskey|secret_access_key|sessiontoken|secretstring|password|signature|x-signature)$/i;
const REDACTED = '[REDACTED]';

// Values inside free text: query strings (`usersig=...`), headers written as text
// (`Authorization: HMAC-SHA256 ...`) and JSON fragments (`"secretKey":"..."`).
const TEXT_PATTERNS: Array<[RegExp, string]> = [
  [/([?&;\s"]?(?:usersig|user_sig|signature|x-signature|x-amz-signature)=)[^&\s"']*/gi, `$1${REDACTED}`],
  [
    /(authorization["']?\s*[:=]\s*["']?)(?:HMAC-SHA256|AWS4-HMAC-SHA256|Bearer|Basic)?[^"'\n,}]*(?:,\s*SignedHeaders=[^,"'\n]*,\s*Signature=[0-9a-f]*)?/gi,
    `$1${REDACTED}`,
  ],
  [/(["']?(?:secretKey|secret_key|secretAccessKey|secret_access_key|SecretString|usersig|sessionToken)["']?\s*[:=]\s*["'])[^"']*(["'])/gi, `$1${REDACTED}$2`],
  [/\bHMAC-SHA256 Credential=[^\s"']+(?:,\s*SignedHeaders=[^\s,"']+)?(?:,\s*Signature=[0-9a-f]+)?/g, REDACTED],
];

export const redactText = (text: string): string => TEXT_PATTERNS.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);

export const redact = (value: unknown, depth = 0): unknown => {
  if (depth > 8) return '[TRUNCATED]';
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), ...(value.cause ? { cause: redact(value.cause, depth + 1) } : {}) };
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SENSITIVE_KEY.test(key) ? REDACTED : redact(inner, depth + 1);
    }
    return out;
  }
  return value;
};
