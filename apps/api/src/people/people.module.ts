import { Module } from '@nestjs/common';
import { InvitationsController } from './invitations.controller.js';
import { OidcController } from './oidc.controller.js';
import { SignInController } from './sign-in.controller.js';
import { UsersController } from './users.controller.js';

/** People's sign-in (docs/access.md "People", ADR 0025): sign-in and out, invitations, the user admin, OpenID Connect. */
@Module({ controllers: [SignInController, InvitationsController, UsersController, OidcController] })
export class PeopleModule {}
