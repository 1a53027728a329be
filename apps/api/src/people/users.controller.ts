import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  inviteUser,
  reinvite,
  isEmailAddress,
  isRole,
  normaliseEmail,
  UserExistsError,
  type AccessStore,
  type Organisation,
  type Role,
} from '#kierto/access';
import { ACCESS_STORE } from '../access/access.tokens.js';
import { HtmlPage, Requires } from '../access/decorators.js';
import { requirePrincipal, sessionOf } from '../access/principal.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import type { Language } from '../pages/i18n.js';
import { sendWorkspacePage, workspaceLanguage } from '../pages/workspace.js';
import { usersPage, type FormError, type UsersPageModel } from './people-pages.js';
import { field } from './sign-in.controller.js';

const EMPTY_DRAFT = { email: '', displayName: '', roles: [] } as const;

/** The invitation link as the person opens it: absolute under KIERTO_PUBLIC_URL, else on this request's origin. */
export function invitationLink(config: ApiConfig, request: Request | null, token: string): string {
  const base = config.publicUrl ?? (request === null ? '' : `${request.protocol}://${request.get('host') ?? ''}`);
  return `${base}/invitations/${token}`;
}

/**
 * /admin/users: an admin (organisations:manage) invites people into an organisation, its own by
 * default or any other (`?organisation=`), with roles the organisation holds, and removes them;
 * removal ends their sessions at once. The invitation link is shown once, on the answer to the
 * invitation (or to a new link for someone who has not used theirs); only its hash is kept.
 */
@ApiExcludeController()
@Controller('admin/users')
export class UsersController {
  constructor(
    @Inject(ACCESS_STORE) private readonly access: AccessStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get()
  @Requires('organisations:manage')
  @HtmlPage()
  async list(
    @Req() request: Request,
    @Res() response: Response,
    @Query('organisation') chosen: unknown,
  ): Promise<void> {
    await this.onPage(request, response, typeof chosen === 'string' ? chosen : '', ({ show }) => show({}, 200));
  }

  @Post('invitations')
  @Requires('organisations:manage')
  @HtmlPage()
  async invite(@Req() request: Request, @Res() response: Response, @Body() body: unknown): Promise<void> {
    await this.onPage(request, response, field(body, 'organisation'), async ({ organisation, show }) => {
      const email = normaliseEmail(field(body, 'email'));
      const displayName = field(body, 'displayName').trim();
      const rolesGiven = rolesOf(body);
      const draft = { email, displayName, roles: rolesGiven };
      const refuse = (status: number, error: FormError): Promise<void> => show({ error, draft }, status);

      if (displayName === '') return refuse(400, { code: 'FIELD_REQUIRED', field: 'displayName' });
      if (email === '') return refuse(400, { code: 'FIELD_REQUIRED', field: 'email' });
      if (!isEmailAddress(email)) return refuse(400, { code: 'INVALID_EMAIL', field: 'email' });
      const roles = rolesGiven.filter((role): role is Role => isRole(role) && organisation.roles.includes(role));
      if (roles.length === 0 || roles.length !== rolesGiven.length) {
        return refuse(400, { code: 'ROLE_NOT_HELD', field: 'roles' });
      }
      try {
        const invited = await inviteUser(
          this.access,
          { organisationId: organisation.id, email, displayName: displayName.slice(0, 200), roles },
          new Date(),
        );
        const link = invitationLink(this.config, request, invited.token);
        await show({ invited: { email, link, expiresAt: invited.expiresAt } }, 201);
      } catch (error) {
        if (error instanceof UserExistsError) return refuse(409, { code: 'USER_EXISTS', field: 'email' });
        throw error;
      }
    });
  }

  @Post(':userId/invitation')
  @Requires('organisations:manage')
  @HtmlPage()
  async inviteAgain(
    @Req() request: Request,
    @Res() response: Response,
    @Param('userId') userId: string,
    @Body() body: unknown,
  ): Promise<void> {
    await this.onPage(request, response, field(body, 'organisation'), async ({ organisation, show }) => {
      const user = await this.access.getUser(userId);
      // A new link only for someone invited and not yet in: a person with a password signs in.
      if (
        user === null ||
        user.organisationId !== organisation.id ||
        user.removedAt !== null ||
        user.passwordHash !== null
      ) {
        return show(failure('USER_NOT_FOUND'), 404);
      }
      const { token, expiresAt } = await reinvite(this.access, user, new Date());
      const link = invitationLink(this.config, request, token);
      await show({ invited: { email: user.email, link, expiresAt } }, 201);
    });
  }

  @Post(':userId/removal')
  @Requires('organisations:manage')
  @HtmlPage()
  async remove(
    @Req() request: Request,
    @Res() response: Response,
    @Param('userId') userId: string,
    @Body() body: unknown,
  ): Promise<void> {
    await this.onPage(request, response, field(body, 'organisation'), async ({ organisation, show }) => {
      if (sessionOf(request)?.userId === userId) return show(failure('CANNOT_REMOVE_SELF'), 409);
      const removed = await this.access.removeUser(organisation.id, userId, new Date().toISOString());
      if (removed === null) return show(failure('USER_NOT_FOUND'), 404);
      await show({ removed: removed.email }, 200);
    });
  }

  /**
   * Every handler's first steps: the language and the organisation the page is about (the one named,
   * else the admin's own); no such organisation is answered on the admin's own page, and `handle` is
   * not called. `show` answers with the organisation's page.
   */
  private async onPage(
    request: Request,
    response: Response,
    chosen: string,
    handle: (page: { readonly organisation: Organisation; readonly show: ShowPage }) => Promise<void>,
  ): Promise<void> {
    const language = workspaceLanguage(request);
    const organisation = await this.organisation(request, chosen);
    if (organisation === null) return this.notFound(request, response, language);
    const show: ShowPage = (shown, status) => this.send(request, response, language, organisation, shown, status);
    return handle({ organisation, show });
  }

  /** The organisation the page is about: the one named, else the admin's own. */
  private async organisation(request: Request, chosen: string): Promise<Organisation | null> {
    const own = requirePrincipal(request).organisation;
    if (chosen === '' || chosen === own.id) return this.access.getOrganisation(own.id);
    return this.access.getOrganisation(chosen);
  }

  private async send(
    request: Request,
    response: Response,
    language: Language,
    organisation: Organisation,
    shown: Shown,
    status: number,
  ): Promise<void> {
    const model: UsersPageModel = {
      organisation,
      organisations: await this.access.listOrganisations(),
      users: await this.access.listUsers(organisation.id),
      selfId: sessionOf(request)?.userId ?? null,
      error: shown.error ?? null,
      draft: shown.draft ?? EMPTY_DRAFT,
      invited: shown.invited ?? null,
      removed: shown.removed ?? null,
    };
    sendWorkspacePage(response, language, usersPage(request, language, model), status);
  }

  private async notFound(request: Request, response: Response, language: Language): Promise<void> {
    const own = await this.access.getOrganisation(requirePrincipal(request).organisation.id);
    if (own === null) throw new Error('the signed-in organisation has gone');
    await this.send(request, response, language, own, failure('ORGANISATION_NOT_FOUND'), 404);
  }
}

/** What the page shows besides the organisation's people: a refusal, the form as typed, an invitation, a removal. */
type Shown = Partial<Pick<UsersPageModel, 'error' | 'draft' | 'invited' | 'removed'>>;
type ShowPage = (shown: Shown, status: number) => Promise<void>;

/** A refusal that concerns no field of the form. */
function failure(code: FormError['code']): Shown {
  return { error: { code, field: null } };
}

/** The `roles` checkboxes: none, one (a string) or several (an array). */
function rolesOf(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const value = (body as Record<string, unknown>)['roles'];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((role): role is string => typeof role === 'string') : [];
}
