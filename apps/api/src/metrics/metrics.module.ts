import {
  Controller,
  Get,
  Global,
  Header,
  Inject,
  Module,
  NotFoundException,
  Res,
  type DynamicModule,
  type OnModuleInit,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { EventStore } from '#kierto/event-store';
import type { Projector, ReadModelStore } from '#kierto/projections';
import { Requires } from '../access/decorators.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG, EVENT_STORE } from '../event-store.provider.js';
import type { ProjectorRunner } from '../projections/projector-runner.js';
import { PROJECTOR, PROJECTOR_RUNNER, READ_MODELS } from '../projections/projections.tokens.js';
import { ApiMetrics } from './metrics.js';

/** DI token of this application's ApiMetrics. */
export const METRICS = Symbol('METRICS');

@ApiTags('operations')
@Controller('metrics')
@Requires('projections:read')
class MetricsController {
  constructor(
    @Inject(METRICS) private readonly metrics: ApiMetrics,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Prometheus metrics of this process (text exposition format)',
    description:
      'Requests, appends, import lines, projector lag and leadership; KIERTO_METRICS=off turns it off (docs/operations.md).',
  })
  @ApiOkResponse({ description: 'text/plain; version=0.0.4', schema: { type: 'string' } })
  async scrape(@Res({ passthrough: true }) response: Response): Promise<string> {
    if (!this.config.metrics) throw new NotFoundException('Metrics are turned off (KIERTO_METRICS=off)');
    response.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}

/** Feeds the projector gauges from the read models and the runner, once they exist. */
class ProjectorGaugesWiring implements OnModuleInit {
  constructor(
    @Inject(METRICS) private readonly metrics: ApiMetrics,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(PROJECTOR) private readonly projector: Projector,
    @Inject(PROJECTOR_RUNNER) private readonly runner: ProjectorRunner,
  ) {}

  onModuleInit(): void {
    this.metrics.attachProjector({
      lag: () => projectorLag(this.store, this.readModels, this.projector),
      leading: () => (this.runner.leadership === 'leader' || this.runner.leadership === 'sole' ? 1 : 0),
    });
  }
}

/** head − checkpoint per read model this code runs. */
export async function projectorLag(
  store: EventStore,
  readModels: ReadModelStore,
  projector: Projector,
): Promise<ReadonlyMap<string, number>> {
  const [head, checkpoints] = await Promise.all([store.headPosition(), readModels.checkpoints()]);
  return new Map(
    projector.projections.map(({ name }) => [name, Math.max(0, head - (checkpoints.get(name)?.position ?? 0))]),
  );
}

/**
 * Counts every answered request under its route template (`req.route.path`, set by Express once a
 * route matched; `unmatched` otherwise), so that a scan of random URLs adds one series, not one per URL.
 */
export function requestMetrics(metrics: ApiMetrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const route = routeTemplateOf(request);
      metrics.observeRequest(
        request.method,
        route,
        response.statusCode,
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  };
}

/** The route template that matched (`/devices/:deviceId`), or `unmatched`; the traces name spans by it too. */
export function routeTemplateOf(request: Request): string {
  const route: unknown = request.route;
  if (typeof route === 'object' && route !== null && 'path' in route && typeof route.path === 'string') {
    return `${request.baseUrl}${route.path}`;
  }
  return 'unmatched';
}

/** The metrics of one application instance: GET /metrics, the request counter, the projector gauges. */
@Global()
@Module({})
export class MetricsModule {
  static of(metrics: ApiMetrics): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [{ provide: METRICS, useValue: metrics }, ProjectorGaugesWiring],
      exports: [METRICS],
    };
  }
}
