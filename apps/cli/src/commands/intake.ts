import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { createEventStore } from '#kierto/event-store/configured';
import {
  createIntakeStore,
  mappingProblems,
  renderIntakeProgress,
  runIntake,
  type IntakeRowError,
} from '#kierto/import';
import { readSheet, SheetError, writeErrorSheet, type SheetFormat } from '#kierto/interop';
import { UsageError, parseOptions, type CliCommand } from '../cli-command.js';
import { storeConfigFromEnv } from '../store-from-env.js';
import { operatorActor } from './import.js';

/** The sheet's format from its file name. */
function formatOf(file: string): SheetFormat {
  const extension = extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.xlsx') return 'xlsx';
  throw new UsageError('name a .csv or .xlsx file');
}

/**
 * `kierto intake <file.csv|file.xlsx> --mapping <name>`: a spreadsheet through a saved column mapping
 * (docs/import.md, "Spreadsheets"), by the same job code as `POST /intake/jobs` (runIntake), recorded
 * as the operator. Progress (rows, rate, ETA) on stderr when it is a terminal. Exit 0 when every row
 * was imported or already there, 1 when some were refused (the rest is imported), 2 on a usage error
 * or a sheet that cannot be read.
 */
export const intakeCommand: CliCommand = {
  name: 'intake',
  summary: 'import a CSV or XLSX sheet through a saved column mapping (rows, rate, ETA as it runs)',
  usage: '<file.csv|file.xlsx> --mapping <name> [--sheet <worksheet>] [--errors <report.csv>] [--organisation <id>]',
  async run(args, io) {
    const { options, rest } = parseOptions(args, ['mapping', 'sheet', 'errors', 'organisation']);
    const [file, ...extra] = rest;
    if (file === undefined) throw new UsageError('name the sheet to import');
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0] ?? ''}`);
    const name = options.get('mapping');
    if (name === undefined) throw new UsageError('name the saved column mapping: --mapping <name>');
    const actor = operatorActor(io.env, options.get('organisation'));
    let sheet;
    try {
      sheet = await readSheet(readFileSync(file), formatOf(file), { sheetName: options.get('sheet') });
    } catch (error) {
      if (!(error instanceof SheetError)) throw error;
      io.err(`${error.row > 0 ? `row ${error.row}: ` : ''}${error.code} ${error.message}`);
      return 2;
    }
    const config = storeConfigFromEnv(io.env);
    const intake = createIntakeStore(config);
    const store = createEventStore(config);
    const refused: IntakeRowError[] = [];
    const terminal = process.stderr.isTTY;
    try {
      await intake.init();
      const saved = await intake.getMapping(actor.organisationId, name);
      if (saved === null) throw new UsageError(`${actor.organisationId} has no saved mapping ${name}`);
      const problems = mappingProblems(saved.mapping, sheet.columns);
      if (problems.length > 0) {
        for (const problem of problems) io.err(`${problem.code} ${problem.field}: ${problem.message}`);
        return 2;
      }
      await store.init();
      const summary = await runIntake(store, sheet, saved.mapping, {
        actor,
        batchEvents: 500,
        onError: (row) => {
          refused.push(row);
        },
        onProgress: (progress) => {
          if (terminal) process.stderr.write(`\r${renderIntakeProgress(progress)}\u001b[K`);
        },
      });
      if (terminal) process.stderr.write('\r\u001b[K');
      const errorsPath = options.get('errors');
      if (errorsPath !== undefined) writeFileSync(errorsPath, writeErrorSheet(sheet.columns, refused));
      else for (const row of refused) io.err(`row ${row.row}: ${row.code} ${row.column} ${row.message}`);
      io.out(
        `${renderIntakeProgress(summary)}; ` +
          (summary.lastPosition === null ? 'nothing appended' : `last position ${summary.lastPosition}`),
      );
      return refused.length > 0 ? 1 : 0;
    } finally {
      await store.close();
      await intake.close();
    }
  },
};
