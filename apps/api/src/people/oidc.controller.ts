import { Body, Controller, Delete, Get, HttpCode, Inject, Logger, Param, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiExcludeEndpoint,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { Request, Response } from 'express';
import * as client from 'openid-client';
import {
  inviteUser,
  normaliseEmail,
  ROLES,
  UserExistsError,
  type AccessStore,
  type OidcProviderRecord,
  type Role,
  type UserRecord,
} from '#kierto/access';
import { ACCESS_STORE } from '../access/access.tokens.js';
import { HtmlPage, Public, Requires } from '../access/decorators.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { ApiError } from '../http/api-error.js';
import { markup } from '../pages/html.js';
import { renderWorkspacePage, sendWorkspacePage, workspaceLanguage } from '../pages/workspace.js';
import { clearCookie, OIDC_COOKIE, readCookie, setCookie } from './cookies.js';
import { PEOPLE_WORDS, type PeopleErrorCode } from './people-words.js';
import { safeNext } from './refusal-page.js';
import { startSession } from './sign-in.controller.js';

/** PUT /organisations/{id}/oidc: an organisation's own identity provider (docs/access.md "People"). */
export class OidcProviderBody {
  @ApiProperty({
    example: 'https://login.example.org',
    description: 'The issuer identifier (https; http only on loopback)',
  })
  @IsString()
  @Length(1, 500)
  @Matches(/^https?:\/\/[^\s?#]+$/, { message: 'issuer must be an http(s) URL without query or fragment' })
  issuer!: string;

  @ApiProperty({ example: 'kierto' })
  @IsString()
  @Length(1, 200)
  clientId!: string;

  @ApiProperty({ description: 'Kept to authenticate the token request; never shown again' })
  @IsString()
  @Length(1, 500)
  clientSecret!: string;

  @ApiPropertyOptional({
    example: 'example.org',
    description: 'Verified addresses in this domain become users at their first sign-in (with `roles`)',
  })
  @IsOptional()
  @Matches(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, {
    message: 'emailDomain must be a lower-case domain name such as example.org',
  })
  emailDomain?: string;

  @ApiPropertyOptional({
    enum: ROLES,
    isArray: true,
    description: "Roles of users made at first sign-in; of the organisation's",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles?: Role[];
}

export type ShownOidcProvider = Omit<OidcProviderRecord, 'clientSecret'>;

/** What the browser carries between the redirect to the provider and the callback (cookies.ts OIDC_COOKIE). */
interface PendingSignIn {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
  readonly next: string | null;
}

/** How long a person has at the identity provider before the callback is refused. */
const PENDING_SECONDS = 600;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

class OidcRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: PeopleErrorCode,
    detail: string,
  ) {
    super(detail);
  }
}

/**
 * OpenID Connect sign-in for an organisation with its own identity provider: authorization code flow
 * with PKCE (S256), state and nonce, through openid-client. The redirect URI is
 * `<origin>/sign-in/oidc/<organisation>/callback`, where the origin is KIERTO_PUBLIC_URL or the
 * request's; register it at the provider. The admin API (`/organisations/{id}/oidc`) sets it up.
 */
@ApiTags('organisations')
@Controller()
export class OidcController {
  private readonly logger = new Logger('OidcSignIn');
  /** Discovered provider configurations, by organisation; dropped when the organisation's settings change. */
  private readonly discovered = new Map<string, { key: string; config: Promise<client.Configuration> }>();

  constructor(
    @Inject(ACCESS_STORE) private readonly access: AccessStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Put('organisations/:id/oidc')
  @Requires('organisations:manage')
  @ApiOperation({ summary: "Set the organisation's own OpenID Connect provider for people's sign-in (admin)" })
  @ApiResponse({ status: 404, description: 'ORGANISATION_NOT_FOUND' })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED; ROLE_NOT_HELD (field roles)' })
  async setProvider(@Param('id') id: string, @Body() body: OidcProviderBody): Promise<ShownOidcProvider> {
    const organisation = await this.access.getOrganisation(id);
    if (organisation === null) throw new ApiError(404, 'ORGANISATION_NOT_FOUND', `There is no organisation ${id}`);
    const roles = body.roles ?? [];
    const missing = roles.filter((role) => !organisation.roles.includes(role));
    if (missing.length > 0) {
      const message = `Organisation ${id} does not hold ${missing.join(', ')}`;
      throw new ApiError(400, 'ROLE_NOT_HELD', message, [{ field: 'roles', code: 'ROLE_NOT_HELD', message }]);
    }
    const issuer = new URL(body.issuer);
    if (issuer.protocol === 'http:' && !LOOPBACK.has(issuer.hostname)) {
      const message = 'The issuer must be https (plain http only on localhost, for tests)';
      throw new ApiError(400, 'VALIDATION_FAILED', message, [{ field: 'issuer', code: 'INVALID_VALUE', message }]);
    }
    const record: OidcProviderRecord = {
      organisationId: id,
      issuer: body.issuer,
      clientId: body.clientId,
      clientSecret: body.clientSecret,
      emailDomain: body.emailDomain ?? null,
      roles,
      updatedAt: new Date().toISOString(),
    };
    await this.access.setOidcProvider(record);
    this.discovered.delete(id);
    return shown(record);
  }

  @Get('organisations/:id/oidc')
  @Requires('organisations:manage')
  @ApiOperation({ summary: "The organisation's OpenID Connect provider, without its client secret (admin)" })
  @ApiResponse({ status: 404, description: 'OIDC_NOT_CONFIGURED' })
  async getProvider(@Param('id') id: string): Promise<ShownOidcProvider> {
    const provider = await this.access.getOidcProvider(id);
    if (provider === null) throw new ApiError(404, 'OIDC_NOT_CONFIGURED', `Organisation ${id} has no OpenID provider`);
    return shown(provider);
  }

  @Delete('organisations/:id/oidc')
  @HttpCode(204)
  @Requires('organisations:manage')
  @ApiOperation({ summary: "Remove the organisation's OpenID Connect provider (admin); passwords keep working" })
  @ApiResponse({ status: 404, description: 'OIDC_NOT_CONFIGURED' })
  async removeProvider(@Param('id') id: string): Promise<void> {
    this.discovered.delete(id);
    if (!(await this.access.removeOidcProvider(id))) {
      throw new ApiError(404, 'OIDC_NOT_CONFIGURED', `Organisation ${id} has no OpenID provider`);
    }
  }

  @Get('sign-in/oidc/:organisationId')
  @Public()
  @HtmlPage()
  @ApiExcludeEndpoint()
  async start(
    @Req() request: Request,
    @Res() response: Response,
    @Param('organisationId') organisationId: string,
    @Query('next') next: unknown,
  ): Promise<void> {
    try {
      const provider = await this.provider(organisationId);
      const config = await this.configuration(provider);
      const pending: PendingSignIn = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        verifier: client.randomPKCECodeVerifier(),
        next: safeNext(next),
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: this.redirectUri(request, organisationId),
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      setCookie(request, response, OIDC_COOKIE, Buffer.from(JSON.stringify(pending)).toString('base64url'), {
        sameSite: 'Lax',
        maxAgeSeconds: PENDING_SECONDS,
        path: this.cookiePath(organisationId),
      });
      response.setHeader('Cache-Control', 'no-store');
      response.redirect(303, url.href);
    } catch (error) {
      this.refuse(request, response, error);
    }
  }

  @Get('sign-in/oidc/:organisationId/callback')
  @Public()
  @HtmlPage()
  @ApiExcludeEndpoint()
  async callback(
    @Req() request: Request,
    @Res() response: Response,
    @Param('organisationId') organisationId: string,
  ): Promise<void> {
    const pending = pendingOf(readCookie(request, OIDC_COOKIE));
    // Good once: whatever happens next, this browser's pending sign-in is over.
    clearCookie(request, response, OIDC_COOKIE, this.cookiePath(organisationId));
    try {
      if (pending === null) throw new OidcRefusal(400, 'OIDC_STATE_MISSING', 'no pending sign-in cookie');
      const provider = await this.provider(organisationId);
      const config = await this.configuration(provider);
      const current = new URL(request.originalUrl, this.origin(request));
      let claims: Readonly<Record<string, unknown>>;
      try {
        const tokens = await client.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const idToken = tokens.claims();
        if (idToken === undefined) throw new Error('no ID token');
        // Providers that keep the e-mail claims out of the ID token give them at the userinfo
        // endpoint, for the same subject (checked by openid-client).
        claims =
          idToken['email'] === undefined
            ? { ...(await client.fetchUserInfo(config, tokens.access_token, idToken.sub)), ...idToken }
            : idToken;
      } catch (error) {
        throw new OidcRefusal(400, 'OIDC_FAILED', error instanceof Error ? error.message : String(error));
      }
      const user = await this.userFor(provider, claims);
      await startSession(this.access, this.config, request, response, user.id);
      response.redirect(303, pending.next ?? '/account');
    } catch (error) {
      this.refuse(request, response, error);
    }
  }

  /**
   * The user the ID token names: its e-mail address must be verified; a user of this organisation
   * with it, or else a new one when the address is in the provider's domain.
   */
  private async userFor(provider: OidcProviderRecord, claims: Readonly<Record<string, unknown>>): Promise<UserRecord> {
    const email = typeof claims['email'] === 'string' ? normaliseEmail(claims['email']) : '';
    if (email === '' || claims['email_verified'] !== true) {
      throw new OidcRefusal(403, 'OIDC_EMAIL_UNVERIFIED', 'the ID token has no verified e-mail address');
    }
    const existing = await this.access.findUserByEmail(email);
    if (existing !== null) {
      if (existing.organisationId !== provider.organisationId) {
        throw new OidcRefusal(403, 'OIDC_USER_NOT_ALLOWED', `${email} belongs to another organisation`);
      }
      return existing;
    }
    const inDomain = provider.emailDomain !== null && email.endsWith(`@${provider.emailDomain}`);
    if (!inDomain || provider.roles.length === 0) {
      throw new OidcRefusal(403, 'OIDC_USER_NOT_ALLOWED', `${email} is not a user of ${provider.organisationId}`);
    }
    const name = typeof claims['name'] === 'string' && claims['name'].trim() !== '' ? claims['name'] : email;
    try {
      // A user without a password: they sign in through the provider only (an admin may still invite them).
      const { user } = await inviteUser(
        this.access,
        { organisationId: provider.organisationId, email, displayName: name.slice(0, 200), roles: provider.roles },
        new Date(),
      );
      return user;
    } catch (error) {
      // Made by a concurrent first sign-in of the same person: use theirs.
      const made = error instanceof UserExistsError ? await this.access.findUserByEmail(email) : null;
      if (made === null || made.organisationId !== provider.organisationId) throw error;
      return made;
    }
  }

  private async provider(organisationId: string): Promise<OidcProviderRecord> {
    const provider = await this.access.getOidcProvider(organisationId);
    if (provider === null)
      throw new OidcRefusal(404, 'OIDC_NOT_CONFIGURED', `no OpenID provider for ${organisationId}`);
    return provider;
  }

  /** The provider's discovered configuration, fetched once per settings (and again after a failure). */
  private configuration(provider: OidcProviderRecord): Promise<client.Configuration> {
    const key = `${provider.issuer}\n${provider.clientId}\n${provider.clientSecret}\n${provider.updatedAt}`;
    const cached = this.discovered.get(provider.organisationId);
    if (cached !== undefined && cached.key === key) return cached.config;
    const insecure = new URL(provider.issuer).protocol === 'http:';
    const config = client
      .discovery(
        new URL(provider.issuer),
        provider.clientId,
        provider.clientSecret,
        undefined,
        insecure ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((error: unknown) => {
        this.discovered.delete(provider.organisationId);
        throw new OidcRefusal(
          502,
          'OIDC_FAILED',
          `discovery failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
    this.discovered.set(provider.organisationId, { key, config });
    return config;
  }

  private origin(request: Request): string {
    return this.config.publicUrl === null
      ? `${request.protocol}://${request.get('host') ?? ''}`
      : new URL(this.config.publicUrl).origin;
  }

  private basePath(): string {
    return this.config.publicUrl === null ? '' : new URL(this.config.publicUrl).pathname.replace(/\/+$/, '');
  }

  private redirectUri(request: Request, organisationId: string): string {
    return `${this.origin(request)}${this.basePath()}/sign-in/oidc/${encodeURIComponent(organisationId)}/callback`;
  }

  private cookiePath(organisationId: string): string {
    return `/sign-in/oidc/${encodeURIComponent(organisationId)}`;
  }

  /** A refused OpenID sign-in as a page with its code; what the provider said goes to the log only. */
  private refuse(request: Request, response: Response, error: unknown): void {
    if (!(error instanceof OidcRefusal)) throw error;
    this.logger.warn(`OpenID Connect sign-in refused (${error.code}): ${error.message}`);
    const language = workspaceLanguage(request);
    const words = PEOPLE_WORDS[language];
    const main = markup`<h1>${words.signIn.title}</h1>
<p class="notice error" role="alert" data-code="${error.code}">${words.errors[error.code]}</p>
<p><a href="/sign-in">${words.signIn.title}</a></p>`;
    sendWorkspacePage(
      response,
      language,
      renderWorkspacePage(request, language, words.signIn.title, main),
      error.status,
    );
  }
}

function shown(record: OidcProviderRecord): ShownOidcProvider {
  const { clientSecret: _secret, ...rest } = record;
  return rest;
}

function pendingOf(cookie: string | undefined): PendingSignIn | null {
  if (cookie === undefined || cookie.length > 2048) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cookie, 'base64url').toString('utf8'));
    if (typeof value !== 'object' || value === null) return null;
    const { state, nonce, verifier, next } = value as Record<string, unknown>;
    if (typeof state !== 'string' || typeof nonce !== 'string' || typeof verifier !== 'string') return null;
    return { state, nonce, verifier, next: safeNext(next) };
  } catch {
    return null;
  }
}
