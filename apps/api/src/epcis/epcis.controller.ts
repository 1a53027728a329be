import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  epcisDocument,
  EpcisQueryError,
  epcisQueryDocument,
  pageToken,
  parseEpcisQuery,
  type EpcisDocument,
  type EpcisQuery,
  type EpcisQueryDocument,
} from '#kierto/interop';
import { Requires } from '../access/decorators.js';
import { ApiError } from '../http/api-error.js';
import { GetEpcisEvents, type EpcisPage } from './epcis-queries.js';

const QUERY_DOCS = [
  ApiQuery({
    name: 'MATCH_anyEPC',
    required: false,
    description:
      'Device EPCs: GS1 Digital Link URIs …/01/{gtin}/21/{serial} or urn:kierto:device:{deviceId}; repeat the parameter or separate with |',
  }),
  ApiQuery({ name: 'GE_eventTime', required: false, description: 'Events at or after this date-time' }),
  ApiQuery({ name: 'LT_eventTime', required: false, description: 'Events before this date-time' }),
  ApiQuery({
    name: 'EQ_bizStep',
    required: false,
    description: 'CBV business steps (commissioning, collecting, repairing, retail_selling, destroying) or full URIs',
  }),
  ApiQuery({ name: 'eventType', required: false, description: 'ObjectEvent (the only type Kierto records)' }),
  ApiQuery({ name: 'perPage', required: false, description: 'Events per page, 1 to 1000 (default 100)' }),
  ApiQuery({ name: 'nextPageToken', required: false, description: 'From the Link rel="next" of the previous page' }),
  ApiResponse({ status: 400, description: 'VALIDATION_FAILED (a parameter, named in fields), INVALID_PAGE_TOKEN' }),
];

function documented(...decorators: MethodDecorator[]): MethodDecorator {
  return (target, key, descriptor) => {
    for (const decorator of [...decorators, ...QUERY_DOCS]) decorator(target, key, descriptor);
  };
}

/**
 * A subset of the EPCIS 2.0 REST query interface over Kierto's lifecycle events (docs/interop.md).
 * The events carry whole histories (prices, actors' ids, certificates): the permission of
 * GET /devices/{id}/events, `device:read-history`.
 */
@ApiTags('epcis')
@Controller('epcis')
export class EpcisController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('events')
  @Requires('device:read-history')
  @documented(
    ApiOperation({
      summary: 'Lifecycle events as EPCIS 2.0 ObjectEvents: an EPCISQueryDocument, paged with Link rel="next"',
    }),
  )
  async events(
    @Query() raw: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<EpcisQueryDocument> {
    const page = await this.page(raw, request, response);
    return epcisQueryDocument(page.events, new Date().toISOString());
  }

  @Get('export')
  @Requires('device:read-history')
  @documented(
    ApiOperation({
      summary: 'The same events as an EPCISDocument, the document an EPCIS capture interface accepts',
    }),
  )
  async export(
    @Query() raw: Record<string, unknown>,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<EpcisDocument> {
    const page = await this.page(raw, request, response);
    return epcisDocument(page.events, new Date().toISOString());
  }

  private async page(raw: Record<string, unknown>, request: Request, response: Response): Promise<EpcisPage> {
    const query = queryOf(raw);
    const page = await this.queryBus.execute(new GetEpcisEvents(query));
    response.type('application/ld+json');
    response.setHeader('GS1-EPCIS-Version', '2.0.0');
    response.setHeader('GS1-CBV-Version', '2.0.0');
    if (page.nextAfter !== null) response.setHeader('Link', `<${nextPageUrl(request, page.nextAfter)}>; rel="next"`);
    return page;
  }
}

function queryOf(raw: Record<string, unknown>): EpcisQuery {
  try {
    return parseEpcisQuery(raw);
  } catch (error) {
    if (!(error instanceof EpcisQueryError)) throw error;
    const field = { field: error.field, code: error.code, message: error.message };
    if (error.code === 'INVALID_PAGE_TOKEN') throw new ApiError(400, 'INVALID_PAGE_TOKEN', error.message, [field]);
    throw new ApiError(400, 'VALIDATION_FAILED', error.message, [field]);
  }
}

/** The request's own URL with nextPageToken replaced: the other parameters stay as they were. */
function nextPageUrl(request: Request, after: number): string {
  const url = new URL(request.originalUrl, 'http://kierto.invalid');
  url.searchParams.set('nextPageToken', pageToken(after));
  return `${url.pathname}?${url.searchParams.toString()}`;
}
