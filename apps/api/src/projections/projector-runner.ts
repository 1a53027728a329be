import { hostname } from 'node:os';
import type { Logger } from '@nestjs/common';
import {
  ElectedProjector,
  PostgresLeaderElection,
  type LeaderElection,
  type Leadership,
  type Projector,
} from '#kierto/projections';
import type { ApiConfig } from '../config.js';

/**
 * Whether and how this process projects (docs/operations.md): not at all (KIERTO_PROJECTOR=off),
 * alone on the embedded store (one process owns the files), or under the PostgreSQL leader election.
 */
export interface ProjectorRunner {
  readonly leadership: Leadership;
  start(): void;
  /** Finishes the page in flight, then stops (and gives the leadership up). */
  stop(): Promise<void>;
}

/** The election of this process, when it takes part in one: PostgreSQL, projector on. */
export function leaderElectionFor(config: ApiConfig): LeaderElection | null {
  if (!config.runProjector || config.databaseUrl === null) return null;
  return new PostgresLeaderElection({
    connectionString: config.databaseUrl,
    schema: config.databaseSchema,
    holder: `${hostname()}:${process.pid}`,
    keepAliveSeconds: config.leaderKeepAliveSeconds,
  });
}

export function projectorRunner(
  projector: Projector,
  election: LeaderElection | null,
  config: ApiConfig,
  logger: Logger,
): ProjectorRunner {
  if (!config.runProjector) {
    return { leadership: 'off', start: () => undefined, stop: () => projector.stop() };
  }
  if (election === null) {
    return { leadership: 'sole', start: () => projector.start(), stop: () => projector.stop() };
  }
  const elected = new ElectedProjector(projector, election, {
    pollMs: config.leaderPollMs,
    onChange: (leadership, epoch) =>
      logger.log(
        leadership === 'leader'
          ? `This process leads the projector now (epoch ${epoch ?? '?'})`
          : 'This process lost the projector leadership; following',
      ),
    onError: (error) => logger.warn(`Projector leader election poll failed; retrying: ${String(error)}`),
  });
  return {
    get leadership() {
      return elected.leadership;
    },
    start: () => elected.start(),
    stop: async () => {
      await elected.stop();
      logger.log('The projector stopped and leadership given up (shutdown)');
    },
  };
}
