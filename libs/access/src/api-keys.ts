import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `kierto_<keyId>_<secret>`: the key id is public (it is recorded as the actor's
 * keyId and names the key in logs), the secret is 32 random bytes. Only SHA-256(secret) is stored.
 * A slow password hash buys nothing for a 256-bit random secret and would cost every request.
 */
export interface IssuedKey {
  readonly keyId: string;
  /** The whole token; shown once, never stored. */
  readonly token: string;
  readonly secretHash: string;
}

const TOKEN = /^kierto_(k[a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

export function issueKey(): IssuedKey {
  const keyId = `k${randomBytes(10).toString('hex').slice(0, 16)}`;
  const secret = randomBytes(32).toString('base64url');
  return { keyId, token: `kierto_${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

export function parseToken(token: string): { keyId: string; secret: string } | null {
  const match = TOKEN.exec(token);
  if (match === null) return null;
  return { keyId: match[1] ?? '', secret: match[2] ?? '' };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
