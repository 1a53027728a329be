import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiPropertyOptional,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Request, Response } from 'express';
import { passportViewsOf } from '#kierto/access';
import { isWellFormedDeviceId } from '#kierto/domain';
import { PASSPORT_VIEWS, passportView, type PassportView, type PassportViewDocument } from '#kierto/projections';
import { PASSPORT_VIEW_DOCUMENTS } from '#kierto/schemas';
import { principalOf, requirePrincipal, forbidden } from '../access/principal.js';
import { Public } from '../access/decorators.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { ApiError, badRequest } from '../http/api-error.js';
import { openApiDocumentSchema } from '../http/document-schema.js';
import { LANGUAGES } from '../pages/i18n.js';
import { respondWithPassport } from '../pages/passport-page.js';
import { GetPassport } from './passport-queries.js';

/** Query string of the passport endpoints. */
export class PassportQuery {
  @ApiPropertyOptional({
    description: 'Wait until the passports include this global position (from a command response)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;

  @ApiPropertyOptional({
    enum: PASSPORT_VIEWS,
    description:
      'The view to answer with; default the richest your key allows (public without a key). docs/passport.md, "Views by role"',
  })
  @IsOptional()
  @IsIn(PASSPORT_VIEWS)
  view?: PassportView;

  @ApiPropertyOptional({
    description: `The page's language (${LANGUAGES.join(', ')}) when a browser asks for HTML; any other value: by Accept-Language. Ignored for JSON`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(35)
  lang?: string;
}

/** The response header naming the view a passport answer shows. */
export const VIEW_HEADER = 'Kierto-Passport-View';

/** The response header naming the read model's checkpoint the answer was read at. */
export const CHECKPOINT_HEADER = 'Kierto-Projection-Checkpoint';

const PASSPORT_RESPONSES = [
  ApiOkResponse({
    description: 'The view named in the Kierto-Passport-View header',
    schema: { oneOf: PASSPORT_VIEWS.map((view) => openApiDocumentSchema(PASSPORT_VIEW_DOCUMENTS[view])) },
  }),
  ApiResponse({ status: 401, description: 'A key was sent and is not valid, or `view` needs a key' }),
  ApiResponse({ status: 403, description: 'FORBIDDEN: your roles do not allow the `view` asked for' }),
  ApiResponse({ status: 400, description: 'Malformed id, GTIN or query parameter (`error.fields`)' }),
  ApiResponse({ status: 404, description: 'DEVICE_NOT_FOUND: no passport (yet: see minPosition)' }),
  ApiResponse({ status: 503, description: 'PROJECTION_NOT_CAUGHT_UP: minPosition not reached within the wait' }),
];

/** A route's own OpenAPI decorators plus the answers every passport route shares. */
export function documented(...decorators: MethodDecorator[]): MethodDecorator {
  return (target, key, descriptor) => {
    for (const decorator of [...decorators, ...PASSPORT_RESPONSES]) decorator(target, key, descriptor);
  };
}

@ApiTags('passports')
@Controller()
@Public()
export class PassportsController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get('passports/:deviceId')
  @documented(
    ApiOperation({
      summary: "A device's passport: identity, status, lives, repairs, wipes, materials, history",
      description:
        'Public: without a key it answers the public view; a key of a repairer, refurbisher, recycler, auditor or admin gives a richer view. ' +
        'A client that prefers text/html (a browser) gets the public view as a page in Finnish, Swedish or English (docs/pages.md).',
    }),
    ApiParam({ name: 'deviceId' }),
    // text/html: the page, for a client that prefers it (docs/pages.md).
    ApiProduces('application/json', 'text/html'),
  )
  async byId(
    @Param('deviceId') deviceId: string,
    @Query() query: PassportQuery,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    if (!isWellFormedDeviceId(deviceId)) {
      throw badRequest('INVALID_DEVICE_ID', 'deviceId', `${deviceId} is not a Kierto device id (gtin:… or mfr:…)`);
    }
    await negotiatePassport(this.queryBus, this.config, deviceId, query, request, response);
  }
}

/**
 * Sends the passport as JSON (answerPassport) or, to a browser, as the page (docs/pages.md). The route
 * takes the response without passthrough (`@Res()`): this sends it.
 */
export async function negotiatePassport(
  queryBus: QueryBus,
  config: ApiConfig,
  deviceId: string,
  query: PassportQuery,
  request: Request,
  response: Response,
): Promise<void> {
  await respondWithPassport(request, response, {
    deviceId,
    lang: query.lang,
    settings: { publicUrl: config.publicUrl, timeZone: config.reportingTimeZone },
    json: () => answerPassport(queryBus, deviceId, query, request, response),
    passport: async () => {
      const { value, checkpoint } = await queryBus.execute(new GetPassport(deviceId, query.minPosition));
      response.setHeader(CHECKPOINT_HEADER, String(checkpoint));
      return value;
    },
  });
}

/**
 * The JSON passport of a device: one query path for /passports/{deviceId} and the GS1 Digital Link
 * resolver (digital-link.controller.ts), so that both answer the same document and headers.
 */
export async function answerPassport(
  queryBus: QueryBus,
  deviceId: string,
  query: PassportQuery,
  request: Request,
  response: Response,
): Promise<PassportViewDocument<PassportView>> {
  const view = viewFor(request, query.view);
  const { value, checkpoint } = await queryBus.execute(new GetPassport(deviceId, query.minPosition));
  response.vary('Authorization');
  response.setHeader(CHECKPOINT_HEADER, String(checkpoint));
  if (value === null) {
    throw new ApiError(
      404,
      'DEVICE_NOT_FOUND',
      `No passport for device ${deviceId} at projection position ${checkpoint}; pass minPosition to wait for a recent write`,
    );
  }
  response.setHeader(VIEW_HEADER, view);
  // One revision, several representations: each view has its own validator.
  response.setHeader('ETag', `"${value.revision}-${view}"`);
  // The views whose readers may fetch the data sanitisation certificate link to it (docs/erasure.md);
  // appended, so the Digital Link resolver's linkset Link stays.
  if ((view === 'repairer' || view === 'authority') && value.dataSanitisation.records.length > 0) {
    response.append('Link', sanitisationCertificateLink(deviceId));
  }
  return passportView(value, view);
}

/** RFC 8288 link to a device's data sanitisation certificate (GET /devices/{id}/sanitisation-certificate). */
export function sanitisationCertificateLink(deviceId: string): string {
  return `</devices/${encodeURIComponent(deviceId)}/sanitisation-certificate>; rel="related"; type="application/json"; title="Data sanitisation certificate"`;
}

/** The view asked for if the caller's roles allow it, else the richest they allow (public without a key). */
function viewFor(request: Request, asked: PassportView | undefined): PassportView {
  if (asked === 'public') return asked;
  // Only a restricted view asked for by name needs a key; the default falls back to public.
  const principal = asked === undefined ? principalOf(request) : requirePrincipal(request);
  const allowed: readonly PassportView[] =
    principal === null ? ['public'] : passportViewsOf(principal.organisation.roles);
  if (asked === undefined) return allowed[0] ?? 'public';
  if (!allowed.includes(asked)) {
    throw forbidden(
      `passport:read-${asked}`,
      `Your organisation's roles do not allow the ${asked} view of a passport`,
      'view',
    );
  }
  return asked;
}
