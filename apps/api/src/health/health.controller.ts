import { Controller, Get, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '#kierto/event-store';
import type { Projector, ReadModelStore } from '#kierto/projections';
import { Public } from '../access/decorators.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG, EVENT_STORE } from '../event-store.provider.js';
import { ApiError } from '../http/api-error.js';
import { projectorLag } from '../metrics/metrics.module.js';
import { PROJECTOR, READ_MODELS } from '../projections/projections.tokens.js';

export interface Health {
  readonly status: 'ok';
  readonly store: EventStore['kind'];
  readonly headPosition: number;
}

export interface Readiness {
  readonly status: 'ready';
  readonly headPosition: number;
  /** Lag per read model, when this process projects (null otherwise: another process does). */
  readonly lag: Readonly<Record<string, number>> | null;
  readonly maxLag: number;
}

@ApiTags('health')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(PROJECTOR) private readonly projector: Projector,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness and store reachability' })
  async health(): Promise<Health> {
    try {
      return { status: 'ok', store: this.store.kind, headPosition: await this.store.headPosition() };
    } catch {
      throw new ServiceUnavailableException('The event store cannot be reached');
    }
  }

  /** Touches nothing: a process that answers is alive (a liveness probe must not fail because a database is away). */
  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers (no store is touched)' })
  live(): { readonly status: 'live' } {
    return { status: 'live' };
  }

  @Get('ready')
  @ApiOperation({
    summary:
      'Readiness: the stores answer and, where this process projects, every read model lags at most KIERTO_READY_MAX_LAG events',
  })
  @ApiResponse({ status: 503, description: 'STORE_UNREACHABLE or PROJECTOR_LAGGING, with the reason' })
  async ready(): Promise<Readiness> {
    let head: number;
    let lags: ReadonlyMap<string, number>;
    try {
      head = await this.store.headPosition();
      lags = await projectorLag(this.store, this.readModels, this.projector);
    } catch {
      // No driver message in the answer: this route is public, and the logs of the stores say more.
      throw new ApiError(503, 'STORE_UNREACHABLE', 'The event store or the read models cannot be reached');
    }
    const maxLag = this.config.readyMaxLag;
    if (!this.config.runProjector) return { status: 'ready', headPosition: head, lag: null, maxLag };
    const behind = [...lags].filter(([, lag]) => lag > maxLag);
    if (behind.length > 0) {
      throw new ApiError(
        503,
        'PROJECTOR_LAGGING',
        `Read models behind the log by more than ${maxLag} events (KIERTO_READY_MAX_LAG): ` +
          behind.map(([name, lag]) => `${name} ${lag}`).join(', '),
      );
    }
    return { status: 'ready', headPosition: head, lag: Object.fromEntries(lags), maxLag };
  }
}
