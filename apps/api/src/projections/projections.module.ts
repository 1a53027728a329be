import {
  Controller,
  Get,
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '#kierto/event-store';
import { Requires } from '../access/decorators.js';
import {
  createReadModelStore,
  EMBEDDED_PAGE_BUDGET_MS,
  isKiertoProjectionName,
  kiertoProjections,
  Projector,
  type LeaderElection,
  type ProjectionStatusDocument,
} from '#kierto/projections';
import type { ReadModelStore } from '#kierto/projections';
import type { ApiConfig } from '../config.js';
import { API_CONFIG, EVENT_STORE } from '../event-store.provider.js';
import { openApiDocumentSchema } from '../http/document-schema.js';
import { ProjectionGate } from './projection-gate.js';
import { leaderElectionFor, projectorRunner, type ProjectorRunner } from './projector-runner.js';
import { PROJECTOR, PROJECTOR_RUNNER, READ_MODELS } from './projections.tokens.js';

/** The PostgreSQL leader election of this process, or null (SQLite, or KIERTO_PROJECTOR=off). */
const LEADER_ELECTION = Symbol('LEADER_ELECTION');

/**
 * Starts the projector with the application (unless KIERTO_PROJECTOR=off; on PostgreSQL only while
 * this process is the elected leader) and stops it first on shutdown, before the stores close: the
 * page in flight commits or rolls back, never half, and the leadership is given up for another process.
 */
class ProjectorLifecycle implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    @Inject(PROJECTOR_RUNNER) private readonly runner: ProjectorRunner,
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
  ) {}

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.readModels.close();
  }
}

/** Quarantined events listed in the status: enough to act on; the count says when there are more. */
const QUARANTINE_SHOWN = 100;

@ApiTags('projections')
@Controller('projections')
@Requires('projections:read')
class ProjectionsController {
  constructor(
    @Inject(PROJECTOR) private readonly projector: Projector,
    @Inject(READ_MODELS) private readonly readModels: ReadModelStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(PROJECTOR_RUNNER) private readonly runner: ProjectorRunner,
  ) {}

  @Get('status')
  @ApiOperation({
    summary:
      'How far each read model has followed the log: checkpoint and lag (head − checkpoint), and its quarantined events',
    description:
      'An event a read model cannot apply (a poison event) is quarantined with its reason and passed, so every other ' +
      'device stays current; `kierto quarantine --retry <position>` re-projects it after a fix (docs/projections.md).',
  })
  @ApiOkResponse({ schema: openApiDocumentSchema('ProjectionStatus') })
  async status(): Promise<ProjectionStatusDocument> {
    const checkpoints = await this.readModels.checkpoints();
    const head = await this.store.headPosition();
    const quarantine = await this.readModels.quarantined(QUARANTINE_SHOWN);
    return {
      head,
      // The document lists Kierto's projections (schemas/v1 ProjectionStatus); the engine takes any.
      projections: this.projector.projections.flatMap(({ name, version }) => {
        if (!isKiertoProjectionName(name)) return [];
        const checkpoint = checkpoints.get(name);
        const position = checkpoint?.position ?? 0;
        return {
          name,
          version,
          checkpoint: position,
          lag: head - position,
          updatedAt: checkpoint?.updatedAt ?? null,
          quarantined: quarantine.counts.get(name) ?? 0,
        };
      }),
      // Rows of a projection this code no longer runs (renamed or removed) are not listed.
      quarantine: quarantine.events.flatMap(({ name, ...event }) =>
        isKiertoProjectionName(name) ? [{ projection: name, ...event }] : [],
      ),
      projector: {
        runsHere: this.config.runProjector,
        leadership: this.runner.leadership,
        state: this.projector.state,
        lastError: this.projector.lastError,
      },
    };
  }
}

/**
 * The read models and their projector, for every feature that queries them (global: passports and
 * statistics inject READ_MODELS and ProjectionGate). The read-model store follows the event store's
 * configuration: PostgreSQL next to it, or `projections.sqlite` in the data folder.
 */
@Global()
@Module({
  controllers: [ProjectionsController],
  providers: [
    {
      provide: READ_MODELS,
      inject: [API_CONFIG],
      useFactory: (config: ApiConfig): ReadModelStore =>
        createReadModelStore({
          databaseUrl: config.databaseUrl,
          databaseSchema: config.databaseSchema,
          dataDir: config.dataDir,
        }),
    },
    { provide: LEADER_ELECTION, inject: [API_CONFIG], useFactory: leaderElectionFor },
    {
      provide: PROJECTOR,
      inject: [EVENT_STORE, READ_MODELS, API_CONFIG, LEADER_ELECTION],
      useFactory: async (
        store: EventStore,
        readModels: ReadModelStore,
        config: ApiConfig,
        election: LeaderElection | null,
      ): Promise<Projector> => {
        const logger = new Logger('Projector');
        const projector = new Projector({
          store,
          readModels,
          projections: kiertoProjections({ reportingTimeZone: config.reportingTimeZone }),
          // On the embedded store a page blocks the process while it runs: keep each one short.
          pageBudgetMs: config.databaseUrl === null ? EMBEDDED_PAGE_BUDGET_MS : undefined,
          // Under the election every page commits only while this process's epoch is the stored one.
          ...(election === null ? {} : { fence: () => election.epoch }),
          onError: (error) => logger.error(`A projection page failed and will be retried: ${String(error)}`),
          onReset: (name, reason) => logger.warn(`Rebuilding the ${name} read model from the log: ${reason}`),
          onQuarantine: (event) =>
            logger.error(
              `The ${event.name} read model quarantined event ${event.globalPosition} (${event.eventType}, ${event.streamId}): ` +
                `${event.reason}; see GET /projections/status and kierto quarantine`,
            ),
        });
        // The tables exist before the first query, whether or not this process projects.
        await projector.prepare();
        return projector;
      },
    },
    {
      provide: PROJECTOR_RUNNER,
      inject: [PROJECTOR, LEADER_ELECTION, API_CONFIG],
      useFactory: (projector: Projector, election: LeaderElection | null, config: ApiConfig): ProjectorRunner =>
        projectorRunner(projector, election, config, new Logger('Projector')),
    },
    ProjectorLifecycle,
    ProjectionGate,
  ],
  exports: [READ_MODELS, PROJECTOR, PROJECTOR_RUNNER, ProjectionGate],
})
export class ProjectionsModule {}
