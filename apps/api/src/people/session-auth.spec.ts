import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { ApiError } from '../http/api-error.js';
import { safeNext } from './refusal-page.js';
import { checkCsrf } from './session-auth.js';

const session = { sessionId: 'h', userId: 'u1', displayName: 'Maija', csrfToken: 'the-token' };

/** The parts of a request checkCsrf reads. */
function requestOf(method: string, body: unknown, header?: string): Request {
  return {
    method,
    body,
    header: (name: string) => (name.toLowerCase() === 'x-csrf-token' ? header : undefined),
  } as unknown as Request;
}

function codeOf(run: () => void): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return error instanceof ApiError ? error.code : String(error);
  }
}

describe('the CSRF check of a request by session cookie', () => {
  it('lets safe methods through without a token', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS'])
      expect(codeOf(() => checkCsrf(requestOf(method, {}), session))).toBeNull();
  });

  it('takes the token from the header or the _csrf field, and removes the field once checked', () => {
    expect(codeOf(() => checkCsrf(requestOf('POST', {}, 'the-token'), session))).toBeNull();
    const body: Record<string, unknown> = { _csrf: 'the-token', email: 'x' };
    expect(codeOf(() => checkCsrf(requestOf('POST', body), session))).toBeNull();
    expect(body).toEqual({ email: 'x' });
  });

  it('refuses a missing token and another one, for every unsafe method', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(codeOf(() => checkCsrf(requestOf(method, {}), session))).toBe('CSRF_TOKEN_MISSING');
      expect(codeOf(() => checkCsrf(requestOf(method, undefined, ''), session))).toBe('CSRF_TOKEN_MISSING');
      expect(codeOf(() => checkCsrf(requestOf(method, { _csrf: 'other' }), session))).toBe('CSRF_TOKEN_INVALID');
      expect(codeOf(() => checkCsrf(requestOf(method, { _csrf: ['the-token'] }), session))).toBe('CSRF_TOKEN_MISSING');
    }
  });
});

describe('where the sign-in page sends a person afterwards', () => {
  it('is a path of this site, or nowhere', () => {
    expect(safeNext('/desk?device=1')).toBe('/desk?device=1');
    for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', 'desk', '/a\nb', 7, undefined])
      expect(safeNext(bad)).toBeNull();
  });
});
