import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { PERMISSIONS } from '#kierto/access';
import { Requires } from '../access/decorators.js';
import { forbidden, requirePrincipal } from '../access/principal.js';
import { decodeCursor, type StatisticsRequest } from '#kierto/projections';
import type { DocumentName } from '#kierto/schemas';
import { badRequest } from '../http/api-error.js';
import { openApiDocumentSchema } from '../http/document-schema.js';
import { collectionRateCsv, factsCsv, indicatorsCsv, recoveryRatesCsv, reportCsv, weeeGeneratedCsv } from './csv.js';
import { scopedStatisticsRequest } from './scoped-request.js';
import {
  GetCollectionRate,
  GetFacts,
  GetIndicators,
  GetRecoveryRates,
  GetReport,
  GetWeeeGenerated,
} from './statistics-queries.js';
import { FactsQuery, StatisticsQuery } from './statistics-query.dto.js';

const DEFAULT_FACTS_PAGE = 100;

/** Every statistics response carries the global position it is computed up to (docs/statistics.md). */
export const CHECKPOINT_HEADER = 'Kierto-Checkpoint';

function documented(summary: string, document: DocumentName): MethodDecorator {
  const decorators = [
    ApiOperation({ summary }),
    ApiProduces('application/json', 'text/csv'),
    ApiOkResponse({
      schema: openApiDocumentSchema(document),
      description:
        'The figures; `basis.checkpoint` and the `Kierto-Checkpoint` header give the global position they are computed up to ' +
        '(compare it with the position a command or `POST /imports` returned, or pass that as `minPosition`)',
      headers: {
        [CHECKPOINT_HEADER]: {
          description: 'Global position the figures are computed up to',
          schema: { type: 'integer', minimum: 0 },
        },
      },
    }),
    ApiResponse({ status: 400, description: 'A malformed or unknown query parameter: `error.fields` names each' }),
    ApiResponse({
      status: 403,
      description:
        `FORBIDDEN: needs statistics:read, held by ${PERMISSIONS['statistics:read'].join(', ')}; or another producer's or ` +
        "organisation's figures, including, for a producer organisation, a producerId that never was its member (`error.fields` names the parameter)",
    }),
    ApiResponse({ status: 503, description: 'PROJECTION_NOT_CAUGHT_UP: minPosition not reached within the wait' }),
  ];
  return (target, key, descriptor) => {
    for (const decorator of decorators) decorator(target, key, descriptor);
  };
}

/**
 * WEEE statistics (docs/statistics.md) as JSON, or CSV with `?format=csv` or
 * `Accept: text/csv`. Every figure is a sum of facts that GET /statistics/facts lists.
 */
@ApiTags('statistics')
@Controller('statistics')
@Requires('statistics:read')
export class StatisticsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('collection-rate')
  @documented(
    'Collection rate of a year (Article 7): value, numerator, the three POM years, target, met',
    'CollectionRate',
  )
  async collectionRate(
    @Query() query: StatisticsQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const document = await this.queryBus.execute(
      new GetCollectionRate(await this.requestOf(query, request), query.minPosition),
    );
    return respond(request, response, query, document, collectionRateCsv, `collection-rate-${query.year}`);
  }

  @Get('recovery-rates')
  @documented(
    'Annex V recovery and prepared-for-re-use + recycling rates per category, and per reference period of the ' +
      'year in its category scheme (Annex I before 15 Aug 2018, Annex III from then) against that period’s targets',
    'RecoveryRates',
  )
  async recoveryRates(
    @Query() query: StatisticsQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const document = await this.queryBus.execute(
      new GetRecoveryRates(await this.requestOf(query, request), query.minPosition),
    );
    return respond(request, response, query, document, recoveryRatesCsv, `recovery-rates-${query.year}`);
  }

  @Get('report')
  @documented(
    'The yearly report table of a producer organisation: category × household/other, tonnes, totals; and one ' +
      'table per reference period of the year in its category scheme (Annex I before 15 Aug 2018, Annex III from then)',
    'ProducerOrganisationReport',
  )
  async report(
    @Query() query: StatisticsQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const document = await this.queryBus.execute(
      new GetReport(await this.requestOf(query, request), query.minPosition),
    );
    return respond(request, response, query, document, reportCsv, `report-${query.year}`);
  }

  @Get('indicators')
  @documented(
    'Device-level indicators: repair success, lives, age at collection and recycling, wipes before resale',
    'DeviceIndicators',
  )
  async indicators(
    @Query() query: StatisticsQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const document = await this.queryBus.execute(
      new GetIndicators(await this.requestOf(query, request), query.minPosition),
    );
    return respond(request, response, query, document, indicatorsCsv, `indicators-${query.year}`);
  }

  @Get('weee-generated')
  @documented(
    'WEEE generated per category (Weibull sales–lifespan estimate, coverage, missing years) and the collection rate against it ' +
      'beside the rate against average POM: the Art. 7(1) 85 % alternative',
    'WeeeGenerated',
  )
  async weeeGenerated(
    @Query() query: StatisticsQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const document = await this.queryBus.execute(
      new GetWeeeGenerated(await this.requestOf(query, request), query.minPosition),
    );
    return respond(request, response, query, document, weeeGeneratedCsv, `weee-generated-${query.year}`);
  }

  @Get('facts')
  @documented('The facts (devices, events, positions, kg) behind any cell, a page at a time', 'StatisticsFacts')
  async facts(@Query() query: FactsQuery, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
    if (query.cursor !== undefined && after === null) {
      throw badRequest('INVALID_CURSOR', 'cursor', 'cursor is not a nextCursor this API gave out');
    }
    const page = await this.queryBus.execute(
      new GetFacts(
        {
          ...(await this.requestOf(query, request)),
          measure: query.measure ?? null,
          treatment: query.treatment ?? null,
          after,
          limit: query.limit ?? DEFAULT_FACTS_PAGE,
        },
        query.minPosition,
      ),
    );
    return respond(request, response, query, page, factsCsv, `facts-${query.year}`);
  }

  /**
   * The query as asked, narrowed to what the caller may read (./scoped-request.ts): asking for
   * someone else's figures is a 403 naming the parameter, never an empty or silently widened answer.
   */
  private async requestOf(query: StatisticsQuery, request: Request): Promise<StatisticsRequest> {
    const scoped = await scopedStatisticsRequest(this.queryBus, requirePrincipal(request), query);
    if (!scoped.allowed) throw forbidden('statistics:read', scoped.message, scoped.field);
    return scoped.request;
  }
}

/**
 * `?format=` decides; else the Accept header (JSON unless text/csv is preferred). Either way the
 * `Kierto-Checkpoint` header says up to which global position the figures are computed (the JSON's
 * `basis.checkpoint`), so a CSV reader too can tell whether its own writes are in.
 */
function respond<T extends { readonly basis: { readonly checkpoint: number } }>(
  request: Request,
  response: Response,
  query: StatisticsQuery,
  document: T,
  csv: (document: T) => string,
  name: string,
): T | string {
  const format = query.format ?? (request.accepts(['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json');
  response.vary('Accept');
  response.setHeader(CHECKPOINT_HEADER, String(document.basis.checkpoint));
  if (format === 'json') return document;
  response.type('text/csv; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  return csv(document);
}
