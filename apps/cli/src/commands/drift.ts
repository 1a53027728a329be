/**
 * `kierto drift`: recomputes the read models from the events and reports any difference from the
 * stored ones (docs/audit.md). The stored read models are first brought up to the log's head, then a fresh
 * in-memory copy is projected from position 0 to the same head and the two are compared table by
 * table. Memory grows with the size of the read models (both are dumped); fine for an audit run on
 * a copy, not for a store of millions of devices (docs/audit.md).
 */
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_REPORTING_TIME_ZONE, kiertoProjections, Projector, SqliteReadModelStore } from '#kierto/projections';
import { createReadModelStore } from '#kierto/projections';
import { UsageError, parseOptions, type CliCommand } from '../cli-command.js';
import { storeConfigFromEnv, withStore } from '../store-from-env.js';

/** Rows that differ between two dumps, by table: what an auditor reads first. */
export function compareDumps(
  stored: Record<string, unknown[]>,
  recomputed: Record<string, unknown[]>,
): { table: string; storedRows: number; recomputedRows: number; firstDifference: number }[] {
  const tables = [...new Set([...Object.keys(stored), ...Object.keys(recomputed)])].sort();
  const differences = [];
  for (const table of tables) {
    const a = stored[table] ?? [];
    const b = recomputed[table] ?? [];
    const length = Math.max(a.length, b.length);
    for (let row = 0; row < length; row += 1) {
      if (!isDeepStrictEqual(a[row], b[row])) {
        differences.push({ table, storedRows: a.length, recomputedRows: b.length, firstDifference: row });
        break;
      }
    }
  }
  return differences;
}

export const driftCommand: CliCommand = {
  name: 'drift',
  summary: 'recompute the read models from the events and report any difference from the stored ones',
  usage: '[--json]',
  async run(args, io) {
    const { flags, rest } = parseOptions(args, [], ['json']);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0] ?? ''}`);
    const reportingTimeZone = io.env['KIERTO_REPORTING_TIME_ZONE'] ?? DEFAULT_REPORTING_TIME_ZONE;
    const config = storeConfigFromEnv(io.env);
    return withStore(io.env, async (store) => {
      const stored = createReadModelStore({
        databaseUrl: config.databaseUrl ?? null,
        databaseSchema: config.databaseSchema ?? 'kierto',
        dataDir: config.dataDir,
      });
      const fresh = new SqliteReadModelStore({ file: ':memory:' });
      try {
        const projections = kiertoProjections({ reportingTimeZone });
        const storedProjector = new Projector({ store, readModels: stored, projections });
        await storedProjector.prepare();
        await storedProjector.catchUp();
        const freshProjector = new Projector({ store, readModels: fresh, projections });
        await freshProjector.prepare();
        await freshProjector.catchUp();
        const [storedCheckpoints, freshCheckpoints] = [await stored.checkpoints(), await fresh.checkpoints()];
        const positions = [...storedCheckpoints.values(), ...freshCheckpoints.values()].map(
          (checkpoint) => checkpoint.position,
        );
        if (new Set(positions).size > 1) {
          io.err('events arrived while comparing; run drift again on a quiet store');
          return 1;
        }
        const differences = compareDumps(await stored.dump(), await fresh.dump());
        const position = positions[0] ?? 0;
        if (flags.has('json')) {
          io.out(JSON.stringify({ ok: differences.length === 0, position, differences }));
        } else if (differences.length === 0) {
          io.out(`no drift: the stored read models equal a recomputation from the events up to position ${position}`);
        } else {
          for (const each of differences) {
            io.out(
              `DRIFT in ${each.table}: first differing row ${each.firstDifference} (stored ${each.storedRows} rows, recomputed ${each.recomputedRows})`,
            );
          }
        }
        return differences.length === 0 ? 0 : 1;
      } finally {
        await fresh.close();
        await stored.close();
      }
    });
  },
};
