/**
 * Webhook signatures (docs/feed.md, ADR 0022): HMAC-SHA256 with the subscription's secret over
 * `timestamp.body`, sent as `Kierto-Signature: t=<unix seconds>,v1=<hex>`. The timestamp is inside
 * the signed bytes, so a receiver that refuses old timestamps refuses replays of captured requests;
 * the delivery id (`Kierto-Delivery`, the global position) lets it drop a redelivery it has handled.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Kierto-Signature';
/** What a receiver should accept between the signature's time and its own clock, seconds. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new secret: 32 random bytes, prefixed so that a leaked one is recognisable in a scanner. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The header value signing `body` at `timestampSeconds`. */
export function signatureHeader(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},v1=${hmac(secret, timestampSeconds, body)}`;
}

export type Verification =
  | { readonly valid: true; readonly timestamp: number }
  | { readonly valid: false; readonly reason: 'malformed' | 'mismatch' | 'too-old' | 'in-future' };

/**
 * What a receiver does with a delivery: parse the header, recompute the HMAC over the raw body bytes
 * as received (not a re-serialised object), compare in constant time, and refuse a timestamp further
 * than `toleranceSeconds` from its clock. Several v1= values may be present (e.g. during a secret's
 * rotation): one match is enough.
 */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  nowSeconds: number,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): Verification {
  const parts = (header ?? '').split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  const signatures = parts
    .filter(([key, value]) => key === 'v1' && value !== undefined)
    .map(([, value]) => value ?? '');
  if (!Number.isSafeInteger(timestamp) || signatures.length === 0) return { valid: false, reason: 'malformed' };
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  const matches = signatures.some((signature) => {
    const given = Buffer.from(signature, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) return { valid: false, reason: 'mismatch' };
  if (nowSeconds - timestamp > toleranceSeconds) return { valid: false, reason: 'too-old' };
  if (timestamp - nowSeconds > toleranceSeconds) return { valid: false, reason: 'in-future' };
  return { valid: true, timestamp };
}

function hmac(secret: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
}
