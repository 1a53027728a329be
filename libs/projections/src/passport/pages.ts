/**
 * The passports read model a page at a time, in device-id order: for exports that walk every
 * passport (the ESPR registry entries, docs/digital-link.md). Keyset paging on the table's key, so a
 * page costs the same wherever it starts and a passport written meanwhile is neither lost nor repeated
 * before the cursor.
 */
import type { AtCheckpoint, ReadModelStore } from '../read-models/port.js';
import { decodePassport } from './compact.js';
import { PASSPORTS, type Passport } from './passport.js';

/** Up to `limit` passports whose device id sorts after `after` (all from the first when null). */
export function passportsPage(
  readModels: ReadModelStore,
  after: string | null,
  limit: number,
): Promise<AtCheckpoint<readonly Passport[]>> {
  const from = after ?? '';
  return readModels.snapshot<readonly Passport[]>('passports', {
    sqlite: (session) =>
      session
        .prepare<[string, number], { document: Buffer }>(
          `SELECT document FROM ${session.table(PASSPORTS)} WHERE device_id > ? ORDER BY device_id LIMIT ?`,
        )
        .all(from, limit)
        .map((row) => decodePassport<Passport>(row.document)),
    postgres: async (session) => {
      // COLLATE "C": byte order, the same as SQLite's, so that a cursor means the same on both.
      const { rows } = await session.client.query<{ document: Buffer }>(
        `SELECT document FROM ${session.table(PASSPORTS)} WHERE device_id COLLATE "C" > $1
         ORDER BY device_id COLLATE "C" LIMIT $2`,
        [from, limit],
      );
      return rows.map((row) => decodePassport<Passport>(row.document));
    },
  });
}
