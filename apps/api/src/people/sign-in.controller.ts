import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  decoyPasswordHash,
  hasPermission,
  newSecret,
  normaliseEmail,
  openSession,
  passwordMatches,
  PASSWORD_MAX_LENGTH,
  secretsEqual,
  type AccessStore,
} from '#kierto/access';
import { ACCESS_STORE, REQUEST_LIMITER } from '../access/access.tokens.js';
import { HtmlPage, Public, Requires } from '../access/decorators.js';
import { principalOf, sessionOf } from '../access/principal.js';
import { FailedAuthenticationLimiter, type RequestLimiter } from '../access/rate-limiter.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import type { Language } from '../pages/i18n.js';
import { NAV, sendWorkspacePage, workspaceLanguage } from '../pages/workspace.js';
import { clearCookie, FORM_COOKIE, readCookie, SESSION_COOKIE, setCookie } from './cookies.js';
import { accountPage, signInPage, type FormError } from './people-pages.js';
import { safeNext } from './refusal-page.js';
import { sessionTimesOf } from './session-auth.js';

export function field(body: unknown, name: string): string {
  if (typeof body !== 'object' || body === null) return '';
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : '';
}

/**
 * The pre-session CSRF value of this browser (cookies.ts FORM_COOKIE), made and set when it has none,
 * so the sign-in and invitation forms can repeat it in `_csrf`.
 */
export function formToken(request: Request, response: Response): string {
  const existing = readCookie(request, FORM_COOKIE);
  if (existing !== undefined && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = newSecret();
  setCookie(request, response, FORM_COOKIE, token, { sameSite: 'Strict' });
  return token;
}

/** The double-submit check of a pre-session form: null when the field repeats the cookie. */
export function formTokenProblem(request: Request, body: unknown): FormError | null {
  const given = field(body, '_csrf');
  if (given === '') return { code: 'CSRF_TOKEN_MISSING', field: null };
  if (!secretsEqual(given, readCookie(request, FORM_COOKIE))) return { code: 'CSRF_TOKEN_INVALID', field: null };
  return null;
}

/** Opens a session for the user and sets its cookie: after signing in or setting a password. */
export async function startSession(
  access: AccessStore,
  config: ApiConfig,
  request: Request,
  response: Response,
  userId: string,
): Promise<void> {
  const times = sessionTimesOf(config);
  const now = new Date();
  // Sessions that ended and were never presented again go here, a sign-in at a time.
  await access.purgeSessions(now.toISOString(), new Date(now.getTime() - times.idleMinutes * 60_000).toISOString());
  const { sessionId, record } = openSession(userId, times, now);
  await access.addSession(record);
  setCookie(request, response, SESSION_COOKIE, sessionId, { sameSite: 'Lax', maxAgeSeconds: times.maxAgeMinutes * 60 });
  clearCookie(request, response, FORM_COOKIE);
}

/**
 * GET/POST /sign-in, POST /sign-out and GET /account (docs/access.md "People"). Failed sign-ins
 * count in the failed-authentication windows of the API keys (per client address and, for an
 * address that failed, per account), shared by every instance on PostgreSQL.
 */
@ApiExcludeController()
@Controller()
export class SignInController {
  private readonly failures: FailedAuthenticationLimiter;

  constructor(
    @Inject(ACCESS_STORE) private readonly access: AccessStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(REQUEST_LIMITER) limiter: RequestLimiter,
  ) {
    this.failures = new FailedAuthenticationLimiter(
      config.failedAuthPerAddressPerMinute,
      config.failedAuthPerKeyPerMinute,
      limiter,
    );
  }

  @Get('sign-in')
  @Public()
  @HtmlPage()
  async showSignIn(@Req() request: Request, @Res() response: Response, @Query('next') next: unknown): Promise<void> {
    const target = safeNext(next);
    if (sessionOf(request) !== null) {
      response.redirect(303, target ?? '/account');
      return;
    }
    const language = workspaceLanguage(request);
    await this.send(request, response, language, { next: target, email: '', error: null }, 200);
  }

  @Post('sign-in')
  @Public()
  @HtmlPage()
  async signIn(@Req() request: Request, @Res() response: Response, @Body() body: unknown): Promise<void> {
    const language = workspaceLanguage(request);
    const next = safeNext(field(body, 'next'));
    const email = normaliseEmail(field(body, 'email'));
    const password = field(body, 'password');
    const refuse = (status: number, error: FormError): Promise<void> =>
      this.send(request, response, language, { next, email, error }, status);

    // Signed in already (another tab): the guard has checked the session's token; go on.
    if (sessionOf(request) !== null) {
      response.redirect(303, next ?? '/account');
      return;
    }
    const csrf = formTokenProblem(request, body);
    if (csrf !== null) return refuse(403, csrf);
    if (email === '') return refuse(400, { code: 'FIELD_REQUIRED', field: 'email' });
    if (password === '') return refuse(400, { code: 'FIELD_REQUIRED', field: 'password' });

    const address = request.ip ?? 'unknown';
    const account = `account:${email}`;
    const now = Date.now();
    const wait = await this.failures.blockedFor(address, account, now);
    if (wait !== null) {
      response.setHeader('Retry-After', String(wait));
      return refuse(429, { code: 'AUTHENTICATION_RATE_LIMITED', field: null });
    }
    const user = await this.access.findUserByEmail(email);
    // An unknown address, a person without a password yet and a wrong password answer alike, in
    // about the same time (the decoy hash), so the form does not tell which addresses have accounts.
    const hash = user?.passwordHash ?? (await decoyPasswordHash());
    const matches = password.length <= PASSWORD_MAX_LENGTH && (await passwordMatches(password, hash));
    if (user === null || user.passwordHash === null || !matches) {
      await this.failures.record(address, account, now);
      return refuse(401, { code: 'SIGN_IN_FAILED', field: 'password' });
    }
    await startSession(this.access, this.config, request, response, user.id);
    response.redirect(303, next ?? '/account');
  }

  @Post('sign-out')
  @Public()
  @HtmlPage()
  async signOut(@Req() request: Request, @Res() response: Response): Promise<void> {
    const session = sessionOf(request);
    if (session !== null) await this.access.endSession(session.sessionId);
    clearCookie(request, response, SESSION_COOKIE);
    response.redirect(303, '/sign-in');
  }

  @Get('account')
  @Requires('device:read-state')
  @HtmlPage()
  async account(@Req() request: Request, @Res() response: Response): Promise<void> {
    const language = workspaceLanguage(request);
    const session = sessionOf(request);
    const principal = principalOf(request);
    const user = session === null ? null : await this.access.getUser(session.userId);
    if (user === null || principal === null) {
      // Reached with an API key: the account page is a person's.
      response.redirect(303, '/sign-in');
      return;
    }
    const roles = principal.organisation.roles;
    const sections = NAV.filter((section) =>
      section.permissions.some((permission) => hasPermission(roles, permission)),
    );
    const page = accountPage(request, language, { user, organisation: principal.organisation, roles, sections });
    sendWorkspacePage(response, language, page);
  }

  private async send(
    request: Request,
    response: Response,
    language: Language,
    form: { next: string | null; email: string; error: FormError | null },
    status: number,
  ): Promise<void> {
    const providers = await Promise.all(
      (await this.access.listOidcProviders()).map(async ({ organisationId }) => ({
        id: organisationId,
        name: (await this.access.getOrganisation(organisationId))?.name ?? organisationId,
      })),
    );
    const page = signInPage(request, language, { ...form, providers, formToken: formToken(request, response) });
    sendWorkspacePage(response, language, page, status);
  }
}
