import type { Request, Response } from 'express';

/**
 * The cookies of people's sign-in (docs/adr/0025-people-sign-in.md). Both are HttpOnly; both are
 * Secure except when the page is served over plain http to a loopback host name, which is how
 * `npm start` serves http://127.0.0.1:3000 (browsers refuse a Secure cookie from a plain http origin
 * other than localhost in some versions, and a quick start without TLS must still let people sign in).
 * Behind a proxy that terminates TLS, set KIERTO_TRUST_PROXY so the request is known to be https;
 * any other host name gets Secure cookies whatever the scheme.
 */
export const SESSION_COOKIE = 'kierto_session';

/**
 * The pre-session CSRF cookie: a random value that the sign-in and invitation forms repeat in their
 * `_csrf` field (double submit). A cross-site page can post the form but cannot read or set this
 * cookie, so it cannot sign a victim into the attacker's account (login CSRF).
 */
export const FORM_COOKIE = 'kierto_form';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function cookieIsSecure(request: Request): boolean {
  return !(request.protocol === 'http' && LOOPBACK_HOSTS.has(request.hostname.toLowerCase()));
}

/** A cookie's value from the Cookie header (first of that name), or undefined. */
export function readCookie(request: Request, name: string): string | undefined {
  const header = request.header('cookie');
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() !== name) continue;
    const value = part.slice(separator + 1).trim();
    return value === '' ? undefined : value;
  }
  return undefined;
}

export interface CookieOptions {
  /** Seconds; undefined makes a cookie that ends with the browser session. */
  readonly maxAgeSeconds?: number;
  readonly sameSite: 'Lax' | 'Strict';
  /** Default `/`. */
  readonly path?: string;
}

/**
 * Sets a cookie (Path=/, HttpOnly). Values are base64url secrets, which need no encoding. Express's
 * `res.cookie` is not used: it would URL-encode and could sign, neither of which these need.
 */
export function setCookie(
  request: Request,
  response: Response,
  name: string,
  value: string,
  options: CookieOptions,
): void {
  const parts = [`${name}=${value}`, `Path=${options.path ?? '/'}`, 'HttpOnly', `SameSite=${options.sameSite}`];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${options.maxAgeSeconds}`);
  if (cookieIsSecure(request)) parts.push('Secure');
  response.append('Set-Cookie', parts.join('; '));
}

export function clearCookie(request: Request, response: Response, name: string, path = '/'): void {
  setCookie(request, response, name, '', { maxAgeSeconds: 0, sameSite: 'Lax', path });
}

/**
 * The OpenID Connect sign-in in progress (oidc.controller.ts): state, nonce and PKCE verifier of
 * this browser's authorization request, for the callback to check. `SameSite=Lax`, since the
 * identity provider sends the browser back by a cross-site top-level GET, which Lax lets through.
 */
export const OIDC_COOKIE = 'kierto_oidc';
