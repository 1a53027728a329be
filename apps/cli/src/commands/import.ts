import { createReadStream, statSync } from 'node:fs';
import { createEventStore, type EventStoreConfig } from '#kierto/event-store/configured';
import type { Actor } from '#kierto/event-store';
import { formatSummary, importNdjson, openErrorReport, progressBar, type ImportSummary } from '#kierto/import';
import { UsageError, parseOptions, type CliCommand, type CliIo } from '../cli-command.js';
import { storeConfigFromEnv } from '../store-from-env.js';

/**
 * The actor of imported events: the operator's organisation and key, from --organisation or
 * KIERTO_OPERATOR_ORGANISATION, and KIERTO_OPERATOR_KEY_ID (default "cli").
 */
export function operatorActor(env: NodeJS.ProcessEnv, organisation: string | undefined): Actor {
  const organisationId = organisation ?? env['KIERTO_OPERATOR_ORGANISATION'];
  if (organisationId === undefined || organisationId === '') {
    throw new UsageError('say who imports: --organisation <id> or KIERTO_OPERATOR_ORGANISATION');
  }
  return { organisationId, role: 'operator', keyId: env['KIERTO_OPERATOR_KEY_ID'] || 'cli' };
}

export interface ImportRunOptions {
  readonly config?: EventStoreConfig;
  /** Test hook: runs after each committed batch (throwing aborts the run like a crash would). */
  readonly afterBatch?: (batch: number) => void | Promise<void>;
  readonly batchEvents?: number;
  readonly stderr?: NodeJS.WritableStream & { isTTY?: boolean };
}

/** Runs an import of a file against the configured store; used by the command and its tests. */
export async function runImport(
  file: string,
  errorsPath: string | undefined,
  actor: Actor,
  io: CliIo,
  run: ImportRunOptions = {},
): Promise<ImportSummary> {
  const totalBytes = statSync(file).size;
  const store = createEventStore(run.config ?? storeConfigFromEnv(io.env));
  const report = errorsPath === undefined ? null : openErrorReport(errorsPath);
  const bar = progressBar(run.stderr ?? process.stderr, totalBytes);
  try {
    await store.init();
    const summary = await importNdjson(store, createReadStream(file), {
      actor,
      ...(run.batchEvents === undefined ? {} : { batchEvents: run.batchEvents }),
      onError:
        report === null
          ? (row) => io.err(`line ${row.line}: ${row.code} ${row.field} ${row.message}`)
          : (row) => report.write(row),
      onProgress: bar.update,
      ...(run.afterBatch === undefined ? {} : { afterBatch: (batch: number) => run.afterBatch?.(batch) }),
    });
    return summary;
  } finally {
    bar.done();
    await report?.close();
    await store.close();
  }
}

/** `kierto import <file.ndjson> [--errors report.ndjson|.csv]`: bulk import (docs/import.md). */
export const importCommand: CliCommand = {
  name: 'import',
  summary: 'import device events from an NDJSON file; bad lines go to an error report',
  usage: '<file.ndjson> [--errors <report.ndjson|report.csv>] [--organisation <id>] [--batch <events>]',
  async run(args, io) {
    const { options, rest } = parseOptions(args, ['errors', 'organisation', 'batch']);
    const [file, ...extra] = rest;
    if (file === undefined) throw new UsageError('name the NDJSON file to import');
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0] ?? ''}`);
    const batch = options.get('batch');
    const batchEvents = batch === undefined ? undefined : Number(batch);
    if (batchEvents !== undefined && (!Number.isSafeInteger(batchEvents) || batchEvents < 1)) {
      throw new UsageError('--batch is a positive number of events');
    }
    const actor = operatorActor(io.env, options.get('organisation'));
    const summary = await runImport(
      file,
      options.get('errors'),
      actor,
      io,
      batchEvents === undefined ? {} : { batchEvents },
    );
    io.out(formatSummary(summary));
    if (summary.refused > 0 && options.get('errors') !== undefined)
      io.out(`error report: ${options.get('errors') ?? ''}`);
    return summary.refused > 0 ? 1 : 0;
  },
};
