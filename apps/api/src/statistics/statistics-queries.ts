import { Inject, Injectable } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import {
  StatisticsQueries,
  type CollectionRateDocument,
  type FactsPage,
  type IndicatorsDocument,
  type RecoveryRatesDocument,
  type ReportDocument,
  type StatisticsRequest,
  type WeeeGeneratedDocument,
} from '#kierto/projections';
import type { ReadModelStore } from '#kierto/projections';
import type { FactsQuery as FactsReadQuery } from '#kierto/projections';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { ProjectionGate } from '../projections/projection-gate.js';
import { READ_MODELS } from '../projections/projections.tokens.js';

/** The statistics read model, behind the minPosition gate. */
@Injectable()
export class StatisticsReader {
  private readonly queries: StatisticsQueries;

  constructor(
    @Inject(READ_MODELS) readModels: ReadModelStore,
    @Inject(API_CONFIG) config: ApiConfig,
    private readonly gate: ProjectionGate,
  ) {
    this.queries = new StatisticsQueries(readModels, config.reportingTimeZone, config.weeeLifespans);
  }

  async read<T>(minPosition: number | undefined, query: (queries: StatisticsQueries) => Promise<T>): Promise<T> {
    await this.gate.reach('statistics', minPosition);
    return query(this.queries);
  }
}

abstract class StatisticsQuery<T> extends Query<T> {
  constructor(
    readonly request: StatisticsRequest,
    readonly minPosition: number | undefined,
  ) {
    super();
  }
}

export class GetCollectionRate extends StatisticsQuery<CollectionRateDocument> {}
export class GetRecoveryRates extends StatisticsQuery<RecoveryRatesDocument> {}
export class GetReport extends StatisticsQuery<ReportDocument> {}
export class GetIndicators extends StatisticsQuery<IndicatorsDocument> {}
export class GetWeeeGenerated extends StatisticsQuery<WeeeGeneratedDocument> {}
export class GetFacts extends Query<FactsPage> {
  constructor(
    readonly request: StatisticsRequest & Pick<FactsReadQuery, 'measure' | 'treatment' | 'after' | 'limit'>,
    readonly minPosition: number | undefined,
  ) {
    super();
  }
}

@QueryHandler(GetCollectionRate)
export class GetCollectionRateHandler implements IQueryHandler<GetCollectionRate> {
  constructor(private readonly reader: StatisticsReader) {}
  execute({ request, minPosition }: GetCollectionRate): Promise<CollectionRateDocument> {
    return this.reader.read(minPosition, (queries) => queries.collectionRate(request));
  }
}

@QueryHandler(GetRecoveryRates)
export class GetRecoveryRatesHandler implements IQueryHandler<GetRecoveryRates> {
  constructor(private readonly reader: StatisticsReader) {}
  execute({ request, minPosition }: GetRecoveryRates): Promise<RecoveryRatesDocument> {
    return this.reader.read(minPosition, (queries) => queries.recoveryRates(request));
  }
}

@QueryHandler(GetReport)
export class GetReportHandler implements IQueryHandler<GetReport> {
  constructor(private readonly reader: StatisticsReader) {}
  execute({ request, minPosition }: GetReport): Promise<ReportDocument> {
    return this.reader.read(minPosition, (queries) => queries.report(request));
  }
}

@QueryHandler(GetIndicators)
export class GetIndicatorsHandler implements IQueryHandler<GetIndicators> {
  constructor(private readonly reader: StatisticsReader) {}
  execute({ request, minPosition }: GetIndicators): Promise<IndicatorsDocument> {
    return this.reader.read(minPosition, (queries) => queries.indicators(request));
  }
}

@QueryHandler(GetWeeeGenerated)
export class GetWeeeGeneratedHandler implements IQueryHandler<GetWeeeGenerated> {
  constructor(private readonly reader: StatisticsReader) {}
  execute({ request, minPosition }: GetWeeeGenerated): Promise<WeeeGeneratedDocument> {
    return this.reader.read(minPosition, (queries) => queries.weeeGenerated(request));
  }
}

@QueryHandler(GetFacts)
export class GetFactsHandler implements IQueryHandler<GetFacts> {
  constructor(private readonly reader: StatisticsReader) {}
  execute({ request, minPosition }: GetFacts): Promise<FactsPage> {
    return this.reader.read(minPosition, (queries) => queries.facts(request));
  }
}

export const STATISTICS_QUERY_HANDLERS = [
  GetCollectionRateHandler,
  GetRecoveryRatesHandler,
  GetReportHandler,
  GetIndicatorsHandler,
  GetWeeeGeneratedHandler,
  GetFactsHandler,
];
