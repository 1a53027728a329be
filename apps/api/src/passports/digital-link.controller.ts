import { Controller, Get, Inject, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExcludeEndpoint, ApiOperation, ApiParam, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { deviceIdOf } from '#kierto/domain';
import {
  SERVED_LINK_TYPES,
  itemLinkPath,
  linksOfPassport,
  linksetOf,
  parseItemLink,
  servedLinkType,
  type DeviceLinks,
  type ItemLink,
} from '#kierto/interop';
import type { Passport } from '#kierto/projections';
import { Public } from '../access/decorators.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { ApiError } from '../http/api-error.js';
import { Gs1DataAttributesInterceptor } from './gs1-data-attributes.interceptor.js';
import { GetPassport } from './passport-queries.js';
import { CHECKPOINT_HEADER, documented, negotiatePassport, PassportQuery } from './passports.controller.js';

/** The `linkType` values that ask for the whole linkset: the Resolver standard's `linkset`, Digital Link 1.1's `all`. */
const LINKSET_LINK_TYPES: readonly string[] = ['linkset', 'all'];

/** The RFC 9264 media type of a JSON linkset. */
export const LINKSET_MEDIA_TYPE = 'application/linkset+json';

/** Query string of the resolver: the passport's, plus the GS1 `linkType`. */
export class DigitalLinkQuery extends PassportQuery {
  @ApiPropertyOptional({
    description: `A link type (compact like gs1:pip or as its IRI): ${SERVED_LINK_TYPES.join(', ')}; "linkset" (the Resolver standard's name) or "all" (Digital Link 1.1's) answers the linkset. Without it: the passport`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  linkType?: string;
}

/**
 * The GS1 Digital Link resolver (GS1-Conformant Resolver standard; docs/digital-link.md): what the QR
 * code on a device resolves to. Without `linkType` it answers the passport (the same query path as
 * GET /passports/{deviceId}) with a Link header to the linkset; a link type redirects (307) to its
 * target; `linkType=linkset` (or `all`), or Accept: application/linkset+json, answers the RFC 9264 linkset.
 */
@ApiTags('passports')
@Controller()
@Public()
@UseInterceptors(Gs1DataAttributesInterceptor)
export class DigitalLinkController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get('01/:gtin/21/:serial')
  @documented(
    ApiOperation({
      summary:
        'GS1 Digital Link resolver: /01/{gtin}/21/{serial} → passport, linkset or redirect (docs/digital-link.md)',
      description:
        'Also [/{stem}]/01/{gtin}[/22/{cpv}][/10/{lot}]/21/{serial}. Values percent-encoded per the GS1 Digital Link grammar 1.2; the serial is GS1 AI 21 (1–20 characters of CSET 82). A 400 names the AI at fault (`01`, `21`, …).',
    }),
    ApiParam({ name: 'gtin', description: 'GTIN-8, -12, -13 or -14 (AI 01)' }),
    ApiParam({ name: 'serial', description: 'AI 21, percent-encoded per the Digital Link grammar' }),
    ApiResponse({ status: 307, description: 'Redirect to the target of the `linkType` asked for' }),
    ApiResponse({ status: 404, description: 'UNKNOWN_LINK_TYPE, LINK_TYPE_NOT_AVAILABLE or DIGITAL_LINK_NOT_AN_ITEM' }),
  )
  resolveItem(@Query() query: DigitalLinkQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.resolve(query, request, response);
  }

  /**
   * The same resolver for the other forms of a link, kept out of the OpenAPI document (their path
   * templates are not parameters): `*stem/01/…`, a custom URI stem's own segments before the key
   * (grammar customURIstem); `01/…` with key qualifiers; `21/…`, `10/…`, `22/…`, a qualifier without
   * its GTIN, which is a malformed link (400), not an unknown route.
   */
  @Get(['01/*rest', '*stem/01/*rest', '21/*rest', '10/*rest', '22/*rest'])
  @ApiExcludeEndpoint()
  resolveAnyForm(@Query() query: DigitalLinkQuery, @Req() request: Request, @Res() response: Response): Promise<void> {
    return this.resolve(query, request, response);
  }

  /** Sends the answer itself (the routes take the response without passthrough): the page, JSON, linkset or redirect. */
  private async resolve(query: DigitalLinkQuery, request: Request, response: Response): Promise<void> {
    // request.path is the path as sent (percent-encoded): the grammar judges the encoding itself.
    const item = parseItemLink(request.path);
    const deviceId = deviceIdOf({ gtin: item.gtin, serialNumber: item.serial });
    const anchor = `${this.config.publicUrl ?? ''}${itemLinkPath(item)}`;
    response.vary('Accept');
    const linkType = query.linkType ?? (wantsLinkset(request) ? 'all' : undefined);
    if (linkType === undefined) {
      // The QR code's own address: a browser gets the passport page, a program the JSON passport.
      response.setHeader('Link', linksetLinkHeader(anchor));
      await negotiatePassport(this.queryBus, this.config, deviceId, query, request, response);
      return;
    }
    const links = linksOfPassport(await this.passport(deviceId, query, response), this.config.publicUrl ?? '');
    if (LINKSET_LINK_TYPES.includes(linkType)) {
      response.status(200).setHeader('Content-Type', LINKSET_MEDIA_TYPE);
      response.setHeader('Link', linksetLinkHeader(anchor));
      response.end(JSON.stringify(linksetOf(anchor, links)));
      return;
    }
    const target = targetOf(links, linkType, item);
    response.status(307).setHeader('Location', target);
    response.setHeader('Link', linksetLinkHeader(anchor));
    response.end();
  }

  private async passport(deviceId: string, query: PassportQuery, response: Response): Promise<Passport> {
    const { value, checkpoint } = await this.queryBus.execute(new GetPassport(deviceId, query.minPosition));
    response.setHeader(CHECKPOINT_HEADER, String(checkpoint));
    if (value === null) {
      throw new ApiError(
        404,
        'DEVICE_NOT_FOUND',
        `No passport for device ${deviceId} at projection position ${checkpoint}; pass minPosition to wait for a recent write`,
      );
    }
    return value;
  }
}

/** The href a link type redirects to: 404 for a type Kierto does not serve, or that this device lacks. */
function targetOf(links: DeviceLinks, linkType: string, item: ItemLink): string {
  const served = servedLinkType(linkType);
  if (served === null) {
    throw new ApiError(
      404,
      'UNKNOWN_LINK_TYPE',
      `Kierto serves no link type ${linkType}; ask linkType=linkset for the links it has`,
      [{ field: 'linkType', code: 'UNKNOWN_LINK_TYPE', message: `One of ${SERVED_LINK_TYPES.join(', ')}, or linkset` }],
    );
  }
  const target = links[served]?.[0];
  if (target === undefined) {
    throw new ApiError(
      404,
      'LINK_TYPE_NOT_AVAILABLE',
      `The passport of ${itemLinkPath(item)} has no ${served} link (e.g. no repair documents were given)`,
      [{ field: 'linkType', code: 'LINK_TYPE_NOT_AVAILABLE', message: `No ${served} link for this item` }],
    );
  }
  return target.href;
}

/** The Link header every answer carries: where the item's linkset is (GS1-Conformant Resolver standard). */
function linksetLinkHeader(anchor: string): string {
  return `<${anchor}?linkType=linkset>; rel="linkset"; type="${LINKSET_MEDIA_TYPE}"`;
}

/** Content negotiation: a client asking for the linkset media type gets the linkset. */
function wantsLinkset(request: Request): boolean {
  return (
    request.accepts(['application/json', LINKSET_MEDIA_TYPE]) === LINKSET_MEDIA_TYPE &&
    (request.get('Accept') ?? '').includes(LINKSET_MEDIA_TYPE)
  );
}
