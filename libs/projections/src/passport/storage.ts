/**
 * The passports read model: one JSON document per device in the table `passports`, and the read of
 * one passport with the checkpoint it was read at (docs/projections.md). Only the passport
 * projection (./passport.ts) and its readers know this table.
 */
import type { Dialect } from '../read-models/ddl.js';
import {
  documentsDdl,
  DOCUMENTS_ORDER,
  loadPostgresDocuments,
  loadSqliteDocuments,
  writePostgresDocuments,
  writeSqliteDocuments,
} from '../read-models/documents.js';
import type { AtCheckpoint, ReadModelStorage, ReadModelStore } from '../read-models/port.js';
import { integer } from '../read-models/rows.js';
import type { Evolved } from '../projection.js';
import type { Passport } from './passport.js';

const PASSPORTS = 'passports';

export const passportStorage: ReadModelStorage<Passport, Evolved<Passport>> = {
  tables: { [PASSPORTS]: DOCUMENTS_ORDER },
  ddl: (dialect: Dialect, table) => [documentsDdl(dialect, table(PASSPORTS))],
  sqlite: {
    load: (session, keys) => loadSqliteDocuments<Passport>(session, PASSPORTS, keys),
    write: (session, page) => writeSqliteDocuments(session, PASSPORTS, page.documents),
  },
  postgres: {
    load: (session, keys) => loadPostgresDocuments<Passport>(session, PASSPORTS, keys),
    write: (session, page) => writePostgresDocuments(session, PASSPORTS, page.documents),
  },
};

/** A device's passport (null when it has none) and the checkpoint of the passports read model it was read at. */
export function passportAt(readModels: ReadModelStore, deviceId: string): Promise<AtCheckpoint<Passport | null>> {
  return readModels.snapshot<Passport | null>('passports', {
    sqlite: (session) => {
      const row = session
        .prepare<[string], { document: string }>(`SELECT document FROM ${session.table(PASSPORTS)} WHERE device_id = ?`)
        .get(deviceId);
      return row === undefined ? null : (JSON.parse(row.document) as Passport);
    },
    postgres: async (session) => {
      const { rows } = await session.client.query<{ document: string }>(
        `SELECT document FROM ${session.table(PASSPORTS)} WHERE device_id = $1`,
        [deviceId],
      );
      const document = rows[0]?.document;
      return document === undefined ? null : (JSON.parse(document) as Passport);
    },
    // One statement, one snapshot: the checkpoint row with the passport (if any) beside it.
    postgresAtOnce: async (session, checkpoints, name) => {
      const { rows } = await session.client.query<{ position: string; document: string | null }>(
        `SELECT c.position, p.document FROM ${checkpoints} c
         LEFT JOIN ${session.table(PASSPORTS)} p ON p.device_id = $2 WHERE c.name = $1`,
        [name, deviceId],
      );
      const row = rows[0];
      const document = row?.document ?? null;
      return {
        value: document === null ? null : (JSON.parse(document) as Passport),
        checkpoint: row === undefined ? 0 : integer(row.position, 'position'),
      };
    },
  });
}
