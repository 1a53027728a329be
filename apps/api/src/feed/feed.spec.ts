import { describe, expect, it } from '@jest/globals';
import type { Organisation, Role } from '#kierto/access';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from './deliverer.js';
import { feedRefusal } from './feed-query.js';
import { newWebhookSecret, signatureHeader, verifySignature } from './signature.js';
import { isPrivateAddress, webhookUrlRefusal } from './webhook-url.js';

const organisation = (...roles: Role[]): Organisation => ({ id: 'org', name: 'Org', roles, createdAt: '2026-01-01' });

describe('who may read the feed', () => {
  it('is whoever holds device:read-history with the read scope all: auditors and admins, whatever else they hold', () => {
    expect(feedRefusal(organisation('auditor'))).toBeNull();
    expect(feedRefusal(organisation('admin', 'producer'))).toBeNull();
    expect(feedRefusal(organisation('producer'))).toContain('device:read-history');
    expect(feedRefusal(organisation('producer-organisation', 'collector'))).toContain('device:read-history');
  });
});

describe('webhook signatures', () => {
  const secret = newWebhookSecret();
  const body = '{"deliveryId":7}';
  const header = signatureHeader(secret, 1_700_000_000, body);

  it('verify with the secret over the timestamp and the exact body', () => {
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, header, body, 1_700_000_010)).toEqual({ valid: true, timestamp: 1_700_000_000 });
  });

  it('fail with another secret, another body or another timestamp', () => {
    expect(verifySignature(newWebhookSecret(), header, body, 1_700_000_010)).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verifySignature(secret, header, '{"deliveryId":8}', 1_700_000_010).valid).toBe(false);
    const moved = header.replace('t=1700000000', 't=1700000005');
    expect(verifySignature(secret, moved, body, 1_700_000_010)).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('refuse a timestamp outside the tolerance (a replay), either way', () => {
    expect(verifySignature(secret, header, body, 1_700_000_301)).toEqual({ valid: false, reason: 'too-old' });
    expect(verifySignature(secret, header, body, 1_699_999_699)).toEqual({ valid: false, reason: 'in-future' });
    expect(verifySignature(secret, header, body, 1_700_000_100, 60)).toEqual({ valid: false, reason: 'too-old' });
  });

  it('refuse a missing or malformed header, and accept one of several v1 values', () => {
    for (const bad of [undefined, '', 't=abc,v1=00', 'v1=00', 't=1700000000']) {
      expect(verifySignature(secret, bad, body, 1_700_000_000)).toEqual({ valid: false, reason: 'malformed' });
    }
    const rotated = `t=1700000000,v1=${'0'.repeat(64)},${header.split(',')[1] ?? ''}`;
    expect(verifySignature(secret, rotated, body, 1_700_000_000).valid).toBe(true);
  });
});

describe('webhook URLs', () => {
  it('refuse private, loopback, link-local and reserved addresses unless allowed', () => {
    for (const address of [
      '127.0.0.1',
      '10.0.0.8',
      '172.20.1.1',
      '192.168.0.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:127.0.0.1',
    ]) {
      expect({ address, private: isPrivateAddress(address) }).toEqual({ address, private: true });
    }
    for (const address of ['8.8.8.8', '2001:4860:4860::8888', '172.32.0.1']) {
      expect({ address, private: isPrivateAddress(address) }).toEqual({ address, private: false });
    }
    expect(webhookUrlRefusal('http://127.0.0.1:9000/hook', true)).toBeNull();
    expect(webhookUrlRefusal('https://hooks.example.org/kierto?token=a', false)).toBeNull();
    expect(webhookUrlRefusal(`https://hooks.example.org/${'a'.repeat(2_048)}`, false)).toContain('longer');
    expect(webhookUrlRefusal('https://hooks.example.org/#part', false)).toContain('fragment');
  });
});

describe('retry delays', () => {
  it('double per failure from the base, keep at least half of it (jitter), and stop growing at an hour', () => {
    expect([1, 2, 3, 4].map((failures) => retryDelayMs(failures, 1_000, 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect([1, 2, 3, 4].map((failures) => retryDelayMs(failures, 1_000, 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect(retryDelayMs(40, 1_000, 1)).toBe(MAX_RETRY_DELAY_MS);
  });
});

describe('the receiver example of docs/feed.md', () => {
  /** The ```js block of docs/feed.md, run as written (its import replaced by the same functions). */
  async function documentedVerify(): Promise<
    (secret: string, header: string, rawBody: string, now?: number) => boolean
  > {
    const { readFile } = await import('node:fs/promises');
    const { createHmac, timingSafeEqual } = await import('node:crypto');
    const markdown = await readFile(new URL('../../../../docs/feed.md', import.meta.url), 'utf8');
    const code = /```js\n([\s\S]*?)```/.exec(markdown)?.[1] ?? '';
    const body = code.replace(/^import .*\n/m, '').replace('export function verify', 'return function verify');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the documentation's own code, under test
    const make = new Function('createHmac', 'timingSafeEqual', 'Buffer', body) as (
      ...args: unknown[]
    ) => (secret: string, header: string, rawBody: string, now?: number) => boolean;
    return make(createHmac, timingSafeEqual, Buffer);
  }

  it('accepts what Kierto signs and refuses another secret, another body and an old timestamp', async () => {
    const verify = await documentedVerify();
    const secret = newWebhookSecret();
    const body = '{"subscriptionId":"sub_1","deliveryId":3,"event":{}}';
    const header = signatureHeader(secret, 1_700_000_000, body);
    expect(verify(secret, header, body, 1_700_000_100)).toBe(true);
    expect(verify(newWebhookSecret(), header, body, 1_700_000_100)).toBe(false);
    expect(verify(secret, header, `${body} `, 1_700_000_100)).toBe(false);
    expect(verify(secret, header, body, 1_700_000_301)).toBe(false);
  });
});
