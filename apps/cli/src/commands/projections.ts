/**
 * `kierto project` and `kierto rebuild`: the projector outside the API (docs/projections.md). Both
 * use the API's settings (DATABASE_URL / DATABASE_SCHEMA or KIERTO_DATA_DIR, and
 * KIERTO_REPORTING_TIME_ZONE); running them while the API projects is safe, the checkpoints move by
 * compare-and-set. On PostgreSQL, `project --follow` is a candidate in the API's projector election
 * (docs/adr/0020-projector-leader-election.md): it projects only while it leads.
 */
import { hostname } from 'node:os';
import type { EventStore } from '#kierto/event-store';
import {
  createReadModelStore,
  DEFAULT_REPORTING_TIME_ZONE,
  isValidTimeZone,
  ElectedProjector,
  kiertoProjections,
  PostgresLeaderElection,
  PROJECTION_NAMES,
  Projector,
  type LeaderElection,
  type ProjectionName,
  type ReadModelStore,
} from '#kierto/projections';
import { UsageError, parseOptions, type CliCommand, type CliIo } from '../cli-command.js';
import { StoreConfigError, storeConfigFromEnv, withStore } from '../store-from-env.js';

function pageSizeOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > 100_000)
    throw new UsageError('--page-size is an integer from 1 to 100000');
  return size;
}

/** Opens the event store and the read models as the API would, and runs `work` with a prepared projector. */
export async function withProjector<T>(
  io: CliIo,
  pageSize: number | undefined,
  work: (projector: Projector, store: EventStore, readModels: ReadModelStore) => Promise<T>,
  election: LeaderElection | null = null,
): Promise<T> {
  const reportingTimeZone = io.env['KIERTO_REPORTING_TIME_ZONE'] ?? DEFAULT_REPORTING_TIME_ZONE;
  if (!isValidTimeZone(reportingTimeZone)) {
    throw new StoreConfigError(`KIERTO_REPORTING_TIME_ZONE must be an IANA time zone, not ${reportingTimeZone}`);
  }
  const config = storeConfigFromEnv(io.env);
  return withStore(io.env, async (store) => {
    const readModels = createReadModelStore({
      databaseUrl: config.databaseUrl ?? null,
      databaseSchema: config.databaseSchema ?? 'kierto',
      dataDir: config.dataDir,
    });
    try {
      const projector = new Projector({
        store,
        readModels,
        projections: kiertoProjections({ reportingTimeZone }),
        ...(pageSize === undefined ? {} : { pageSize }),
        onError: (error) => io.err(`a page failed and will be retried: ${String(error)}`),
        onReset: (name, reason) => io.out(`${name}: rebuilding from the log (${reason})`),
        // Elected: each page commits only under this process's leader epoch.
        ...(election === null ? {} : { fence: () => election.epoch }),
      });
      await projector.prepare();
      return await work(projector, store, readModels);
    } finally {
      await readModels.close();
    }
  });
}

async function printStatus(io: CliIo, store: EventStore, readModels: ReadModelStore): Promise<void> {
  const head = await store.headPosition();
  const checkpoints = await readModels.checkpoints();
  for (const name of PROJECTION_NAMES) {
    const position = checkpoints.get(name)?.position ?? 0;
    io.out(`${name}: checkpoint ${position}, head ${head}, lag ${head - position}`);
  }
}

/** Resolves on SIGINT or SIGTERM: --follow runs until the operator stops it. */
function untilSignalled(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const projectCommand: CliCommand = {
  name: 'project',
  summary: 'bring the read models (passports, statistics) up to the log; --follow keeps following',
  usage: '[--follow] [--page-size <events>]',
  async run(args, io) {
    const { options, flags, rest } = parseOptions(args, ['page-size'], ['follow']);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0] ?? ''}`);
    const pageSize = pageSizeOf(options.get('page-size'));
    const election = flags.has('follow') ? electionFromEnv(io.env) : null;
    if (election !== null) {
      const pollMs = pollMsOf(io.env['KIERTO_LEADER_POLL_MS']);
      return withProjector(
        io,
        pageSize,
        async (projector, store, readModels) => {
          io.out('following the log as a candidate for the projector leadership; stop with Ctrl-C');
          const elected = new ElectedProjector(projector, election, {
            pollMs,
            onChange: (leadership, epoch) =>
              io.out(leadership === 'leader' ? `leading the projector (epoch ${epoch ?? '?'})` : 'following'),
            onError: (error) => io.err(`the leader election failed and will be retried: ${String(error)}`),
          });
          elected.start();
          const signal = await untilSignalled();
          await elected.stop();
          io.out(`stopped (${signal}); leadership given up`);
          await printStatus(io, store, readModels);
          return 0;
        },
        election,
      );
    }
    return withProjector(io, pageSize, async (projector, store, readModels) => {
      const applied = await projector.catchUp();
      io.out(`applied ${applied} events`);
      if (flags.has('follow')) {
        io.out('following the log; stop with Ctrl-C');
        projector.start();
        const signal = await untilSignalled();
        await projector.stop();
        io.out(`stopped (${signal})`);
      }
      await printStatus(io, store, readModels);
      return 0;
    });
  },
};

/** On PostgreSQL, the API's projector election (one leader per schema); none on SQLite. */
function electionFromEnv(env: NodeJS.ProcessEnv): LeaderElection | null {
  const config = storeConfigFromEnv(env);
  if (config.databaseUrl === undefined) return null;
  return new PostgresLeaderElection({
    connectionString: config.databaseUrl,
    schema: config.databaseSchema ?? 'kierto',
    holder: `${hostname()}:${process.pid} (kierto project)`,
  });
}

/** KIERTO_LEADER_POLL_MS as the API reads it (docs/operations.md). */
function pollMsOf(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 2_000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 100 || value > 60_000) {
    throw new StoreConfigError(`KIERTO_LEADER_POLL_MS must be an integer from 100 to 60000, not ${raw}`);
  }
  return value;
}

export const rebuildCommand: CliCommand = {
  name: 'rebuild',
  summary: 'drop the read models and replay the whole log into them (all, or one --projection)',
  usage: `[--projection ${PROJECTION_NAMES.join('|')}] [--page-size <events>]`,
  async run(args, io) {
    const { options, rest } = parseOptions(args, ['projection', 'page-size']);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0] ?? ''}`);
    const only = options.get('projection');
    const names: readonly ProjectionName[] =
      only === undefined ? PROJECTION_NAMES : PROJECTION_NAMES.filter((name) => name === only);
    if (names.length === 0) throw new UsageError(`--projection is one of ${PROJECTION_NAMES.join(', ')}`);
    const pageSize = pageSizeOf(options.get('page-size'));
    return withProjector(io, pageSize, async (projector, store, readModels) => {
      const report = await projector.rebuild(names);
      io.out(
        `rebuilt ${report.projections.join(', ')}: ${report.events} events in ${report.seconds.toFixed(2)} s ` +
          `(${report.eventsPerSecond} events/s)`,
      );
      await printStatus(io, store, readModels);
      return 0;
    });
  },
};
