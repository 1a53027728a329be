import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  hashPassword,
  hashToken,
  passwordProblem,
  type AccessStore,
  type InvitationRecord,
  type UserRecord,
} from '#kierto/access';
import { ACCESS_STORE } from '../access/access.tokens.js';
import { HtmlPage, Public } from '../access/decorators.js';
import { sessionOf } from '../access/principal.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import type { Language } from '../pages/i18n.js';
import { sendWorkspacePage, workspaceLanguage } from '../pages/workspace.js';
import { invitationPage, messagePage, type FormError } from './people-pages.js';
import { PEOPLE_WORDS, type PeopleErrorCode } from './people-words.js';
import { field, formToken, formTokenProblem, startSession } from './sign-in.controller.js';

type Found =
  | {
      readonly ok: true;
      readonly invitation: InvitationRecord;
      readonly user: UserRecord;
      readonly organisation: string;
    }
  | { readonly ok: false; readonly status: number; readonly code: PeopleErrorCode };

/**
 * GET/POST /invitations/{token}: the link an admin hands to a person; it sets their password and
 * signs them in. The token is 32 random bytes, stored only hashed, good once and for seven days.
 * Its path is left out of the request log (http/request-context.ts).
 */
@ApiExcludeController()
@Controller('invitations')
export class InvitationsController {
  constructor(
    @Inject(ACCESS_STORE) private readonly access: AccessStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get(':token')
  @Public()
  @HtmlPage()
  async show(@Req() request: Request, @Res() response: Response, @Param('token') token: string): Promise<void> {
    const language = workspaceLanguage(request);
    const found = await this.find(token);
    if (!found.ok) return this.refuse(request, response, language, found);
    this.send(request, response, language, token, found, null, 200);
  }

  @Post(':token')
  @Public()
  @HtmlPage()
  async accept(
    @Req() request: Request,
    @Res() response: Response,
    @Param('token') token: string,
    @Body() body: unknown,
  ): Promise<void> {
    const language = workspaceLanguage(request);
    const found = await this.find(token);
    if (!found.ok) return this.refuse(request, response, language, found);
    const refuse = (status: number, error: FormError): void =>
      this.send(request, response, language, token, found, error, status);
    // Opened in a browser that is signed in (an admin trying the link): the guard has checked the
    // session's token, which the form then carries; otherwise the pre-session double submit.
    const signedIn = sessionOf(request);
    const csrf = signedIn === null ? formTokenProblem(request, body) : null;
    if (csrf !== null) return refuse(403, csrf);
    const password = field(body, 'password');
    if (password === '') return refuse(400, { code: 'FIELD_REQUIRED', field: 'password' });
    const problem = passwordProblem(password, found.user.email);
    if (problem !== null) return refuse(400, { code: problem, field: 'password' });
    if (field(body, 'repeat') !== password) return refuse(400, { code: 'PASSWORDS_DIFFER', field: 'repeat' });
    const user = await this.access.acceptInvitation(
      hashToken(token),
      await hashPassword(password),
      new Date().toISOString(),
    );
    // Used, expired or removed between the look-up and now: say which, as a fresh look-up would.
    if (user === null) {
      const now = await this.find(token);
      return this.refuse(
        request,
        response,
        language,
        now.ok ? { ok: false, status: 410, code: 'INVITATION_USED' } : now,
      );
    }
    // The browser becomes the invited person's: whoever was signed in there is signed out.
    if (signedIn !== null) await this.access.endSession(signedIn.sessionId);
    await startSession(this.access, this.config, request, response, user.id);
    response.redirect(303, '/account');
  }

  private async find(token: string): Promise<Found> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, status: 404, code: 'INVITATION_INVALID' };
    const invitation = await this.access.getInvitation(hashToken(token));
    if (invitation === null) return { ok: false, status: 404, code: 'INVITATION_INVALID' };
    if (invitation.acceptedAt !== null) return { ok: false, status: 410, code: 'INVITATION_USED' };
    if (Date.parse(invitation.expiresAt) <= Date.now()) return { ok: false, status: 410, code: 'INVITATION_EXPIRED' };
    const user = await this.access.getUser(invitation.userId);
    if (user === null || user.removedAt !== null) return { ok: false, status: 404, code: 'INVITATION_INVALID' };
    const organisation = await this.access.getOrganisation(user.organisationId);
    return { ok: true, invitation, user, organisation: organisation?.name ?? user.organisationId };
  }

  private refuse(request: Request, response: Response, language: Language, found: Found & { ok: false }): void {
    const page = messagePage(request, language, PEOPLE_WORDS[language].invitation.title, found.code);
    sendWorkspacePage(response, language, page, found.status);
  }

  private send(
    request: Request,
    response: Response,
    language: Language,
    token: string,
    found: Found & { ok: true },
    error: FormError | null,
    status: number,
  ): void {
    const page = invitationPage(request, language, {
      formToken: sessionOf(request)?.csrfToken ?? formToken(request, response),
      token,
      email: found.user.email,
      organisation: found.organisation,
      error,
    });
    sendWorkspacePage(response, language, page, status);
  }
}
