import { describe, expect, it } from '@jest/globals';
import {
  actorKeyIdOfUser,
  hashPassword,
  hashToken,
  isEmailAddress,
  newSecret,
  openSession,
  passwordMatches,
  passwordProblem,
  PASSWORD_MIN_LENGTH,
  secretsEqual,
  sessionIsLive,
} from './people.js';

const NOW = new Date('2026-06-01T12:00:00Z');

describe('passwords', () => {
  it('are hashed with argon2id, salted, and verified', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(hash).not.toContain('correct horse');
    expect(await hashPassword('correct horse battery staple')).not.toBe(hash);
    expect(await passwordMatches('correct horse battery staple', hash)).toBe(true);
    expect(await passwordMatches('correct horse battery stapler', hash)).toBe(false);
    // A stored value that is not a hash is a mismatch, not an error.
    expect(await passwordMatches('anything', 'not-a-hash')).toBe(false);
  });

  it('must be long enough, not too long, and not the e-mail address', () => {
    expect(passwordProblem('a'.repeat(PASSWORD_MIN_LENGTH - 1), 'a@b.test')).toBe('PASSWORD_TOO_SHORT');
    expect(passwordProblem('a'.repeat(PASSWORD_MIN_LENGTH), 'a@b.test')).toBeNull();
    // Counted as a person counts: five emoji are five characters, not ten UTF-16 units.
    expect(passwordProblem('🔑'.repeat(PASSWORD_MIN_LENGTH - 1), 'a@b.test')).toBe('PASSWORD_TOO_SHORT');
    expect(passwordProblem('a'.repeat(257), 'a@b.test')).toBe('PASSWORD_TOO_LONG');
    expect(passwordProblem(' Maija.Meikalainen@Example.Org ', 'maija.meikalainen@example.org')).toBe(
      'PASSWORD_IS_EMAIL',
    );
    expect(passwordProblem('maija.meikalainen', 'maija.meikalainen@example.org')).toBe('PASSWORD_IS_EMAIL');
  });
});

describe('secrets, tokens and CSRF values', () => {
  it('are 256-bit, base64url, and different each time; only their hash is stored', () => {
    const secret = newSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(newSecret()).not.toBe(secret);
    expect(hashToken(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(secret)).not.toContain(secret);
  });

  it('compare equal only when identical, and never when either is missing', () => {
    const token = newSecret();
    expect(secretsEqual(token, token)).toBe(true);
    expect(secretsEqual(`${token}x`, token)).toBe(false);
    expect(secretsEqual(token.slice(1), token)).toBe(false);
    expect(secretsEqual(undefined, token)).toBe(false);
    expect(secretsEqual(token, undefined)).toBe(false);
    expect(secretsEqual('', '')).toBe(false);
  });
});

describe('sessions', () => {
  const times = { maxAgeMinutes: 60, idleMinutes: 10 };

  it('open with a fresh id, a CSRF token of their own and an absolute end', () => {
    const { sessionId, record } = openSession('u1', times, NOW);
    expect(record).toEqual({
      idHash: hashToken(sessionId),
      userId: 'u1',
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      createdAt: NOW.toISOString(),
      expiresAt: '2026-06-01T13:00:00.000Z',
      lastSeenAt: NOW.toISOString(),
    });
    expect(record.csrfToken).not.toBe(sessionId);
  });

  it('end at their absolute end, or after the idle timeout without a request', () => {
    const { record } = openSession('u1', times, NOW);
    const at = (minutes: number): Date => new Date(NOW.getTime() + minutes * 60_000);
    expect(sessionIsLive(record, times, at(9))).toBe(true);
    expect(sessionIsLive(record, times, at(10))).toBe(false);
    const active = { ...record, lastSeenAt: at(55).toISOString() };
    expect(sessionIsLive(active, times, at(59))).toBe(true);
    expect(sessionIsLive(active, times, at(60))).toBe(false);
  });
});

describe('people in events and forms', () => {
  it('are recorded as user:<id>, never by address', () => {
    expect(actorKeyIdOfUser('u0123456789abcdef')).toBe('user:u0123456789abcdef');
  });

  it('give an address that looks like one', () => {
    expect(isEmailAddress('admin@localhost')).toBe(true);
    expect(isEmailAddress('maija@example.org')).toBe(true);
    for (const bad of ['maija', 'maija@', '@example.org', 'a b@example.org', 'a@b@c', `${'a'.repeat(250)}@b.fi`])
      expect(isEmailAddress(bad)).toBe(false);
  });
});
