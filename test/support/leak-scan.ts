import { readFileSync } from 'node:fs';

// Looks for anything that can sign a request in captured logs and error bodies: known secret
// values, UserSigs (zlib+base64 starts "eJ"), usersig= query values, Volcengine Authorization
// headers. Findings name the file and line and what matched, never the secret itself.

export interface Leak {
  file: string;
  line: number;
  kind: string;
}

const PATTERNS: Array<[string, RegExp]> = [
  ['usersig query value', /usersig=(?!\[REDACTED\])[A-Za-z0-9*_-]{8,}/i],
  ['UserSig token', /eJ[A-Za-z0-9*_-]{60,}/],
  ['Volcengine Authorization', /HMAC-SHA256 Credential=|Signature=[0-9a-f]{64}/],
  ['secret field with a value', /"(secretKey|secretAccessKey|SecretString)"\s*:\s*"(?!\[REDACTED\])[^"]+"/],
];

export const scanText = (text: string, file: string, secrets: readonly string[]): Leak[] => {
  const leaks: Leak[] = [];
  text.split('\n').forEach((lineText, index) => {
    for (const secret of secrets) if (secret && lineText.includes(secret)) leaks.push({ file, line: index + 1, kind: 'a known secret value' });
    for (const [kind, pattern] of PATTERNS) if (pattern.test(lineText)) leaks.push({ file, line: index + 1, kind });
  });
  return leaks;
};

export const scanFiles = (files: readonly string[], secrets: readonly string[]): Leak[] =>
  files.flatMap((file) => {
    try {
      return scanText(readFileSync(file, 'utf8'), file, secrets);
    } catch {
      return [];
    }
  });
