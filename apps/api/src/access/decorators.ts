import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse } from '@nestjs/swagger';
import { PERMISSIONS, type Permission } from '#kierto/access';

export const PUBLIC_KEY = 'kierto:public';
export const PERMISSION_KEY = 'kierto:permission';
export const HTML_PAGE_KEY = 'kierto:html-page';

const UNAUTHORISED = ApiResponse({
  status: 401,
  description: 'MISSING_CREDENTIALS, MALFORMED_CREDENTIALS, UNKNOWN_KEY, KEY_REVOKED or KEY_EXPIRED',
});
const RATE_LIMITED = ApiResponse({
  status: 429,
  description:
    'RATE_LIMITED: see the RateLimit-* and Retry-After headers; AUTHENTICATION_RATE_LIMITED: too many failed authentications from this address or for this key id, see Retry-After',
});

/**
 * Reachable without a key. A key, when sent, is still checked (a bad one is a 401) and identifies
 * the caller, e.g. for a richer passport view.
 */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiBearerAuth(), RATE_LIMITED);

/**
 * The permission a route needs; every route is either public or names one (deny by default, and
 * test/api/access.e2e-spec.ts checks every route). The OpenAPI document lists the roles.
 */
export const Requires = (permission: Permission): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(PERMISSION_KEY, permission),
    ApiBearerAuth(),
    UNAUTHORISED,
    ApiResponse({
      status: 403,
      description: `FORBIDDEN: needs ${permission}, held by ${PERMISSIONS[permission].join(', ')}`,
    }),
    RATE_LIMITED,
  );

/**
 * A route that answers a page to people (apps/api/src/pages): when the guard refuses it, a browser
 * is sent to the sign-in page (no session) or shown a page saying what is missing, never JSON.
 * Combine with `Public` or `Requires` as for any route.
 */
export const HtmlPage = (): MethodDecorator & ClassDecorator => SetMetadata(HTML_PAGE_KEY, true);
