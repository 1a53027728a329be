import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { createEventStore } from '#kierto/event-store/configured';
import { importNdjson } from '#kierto/import';
import {
  OrdsFileError,
  ordsErrorOfImportRow,
  ordsImportNdjson,
  readOrdsFile,
  type OrdsRecordError,
} from '#kierto/interop';
import { UsageError, parseOptions, type CliCommand } from '../cli-command.js';
import { storeConfigFromEnv } from '../store-from-env.js';
import { operatorActor } from './import.js';

/**
 * `kierto import-ords <file.csv>`: an ORDS v0.3 CSV file as repair events, through the same bulk
 * import as `kierto import` (docs/interop.md, "ORDS"), recorded as the operator. Exit 0 when every
 * record was imported or already there, 1 when some were refused (the rest is imported), 2 on a
 * usage error or a file that is not ORDS CSV.
 */
export const importOrdsCommand: CliCommand = {
  name: 'import-ords',
  summary: 'import an Open Repair Data Standard v0.3 CSV file as repair events',
  usage: '<file.csv> [--organisation <id>]',
  async run(args, io) {
    const { options, rest } = parseOptions(args, ['organisation']);
    const [path, ...extra] = rest;
    if (path === undefined) throw new UsageError('name the ORDS CSV file to import');
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0] ?? ''}`);
    const actor = operatorActor(io.env, options.get('organisation'));
    let file;
    try {
      file = readOrdsFile(readFileSync(path));
    } catch (error) {
      if (!(error instanceof OrdsFileError)) throw error;
      io.err(`line ${error.line}${error.column > 0 ? `, column ${error.column}` : ''}: ${error.code} ${error.message}`);
      return 2;
    }
    const refused: OrdsRecordError[] = [...file.refused];
    const store = createEventStore(storeConfigFromEnv(io.env));
    try {
      await store.init();
      const summary = await importNdjson(store, Readable.from([ordsImportNdjson(file.lines)]), {
        actor,
        onError: (row) => {
          refused.push(ordsErrorOfImportRow(row, file));
        },
      });
      refused.sort((a, b) => a.line - b.line);
      for (const row of refused) {
        io.err(
          `line ${row.line}${row.column > 0 ? `, column ${row.column}` : ''}: ${row.code} ${row.field} ${row.message}`,
        );
      }
      io.out(
        `${file.records} records: ${summary.imported} imported, ${summary.duplicates} already imported (skipped), ` +
          `${refused.length} refused; ${summary.lastPosition === null ? 'nothing appended' : `last position ${summary.lastPosition}`}`,
      );
      return refused.length > 0 ? 1 : 0;
    } finally {
      await store.close();
    }
  },
};
