import { describe, expect, it } from '@jest/globals';
import { FailedAuthenticationLimiter } from './rate-limiter.js';

describe('FailedAuthenticationLimiter', () => {
  const start = 1_000_000;

  it('blocks an address after its failures, until the window resets', async () => {
    const limiter = new FailedAuthenticationLimiter(3, 100);
    for (let failure = 0; failure < 3; failure += 1) {
      expect(await limiter.blockedFor('10.0.0.1', null, start)).toBeNull();
      await limiter.record('10.0.0.1', null, start);
    }
    expect(await limiter.blockedFor('10.0.0.1', null, start + 15_000)).toBe(45);
    expect(await limiter.blockedFor('10.0.0.2', null, start)).toBeNull();
    expect(await limiter.blockedFor('10.0.0.1', null, start + 60_000)).toBeNull();
  });

  it('holds a guessed key id to one try per address, and never blocks an address that has not failed', async () => {
    const limiter = new FailedAuthenticationLimiter(100, 2);
    // Two addresses guess key k1 wrong: the key id has used its failures.
    await limiter.record('10.0.0.1', 'k1', start);
    await limiter.record('10.0.0.2', 'k1', start);
    expect(await limiter.blockedFor('10.0.0.1', 'k1', start)).toBe(60);
    expect(await limiter.blockedFor('10.0.0.2', 'k1', start)).toBe(60);
    // The owner's address never failed: it may still use its key.
    expect(await limiter.blockedFor('192.0.2.7', 'k1', start)).toBeNull();
    // A fresh guessing address gets one try, then is held back too.
    await limiter.record('10.0.0.3', 'k1', start);
    expect(await limiter.blockedFor('10.0.0.3', 'k1', start)).toBe(60);
    // Other keys are not affected.
    expect(await limiter.blockedFor('10.0.0.1', 'k2', start)).toBeNull();
  });
});
