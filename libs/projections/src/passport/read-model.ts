/**
 * The passports read model as its readers see it: one passport with the checkpoint it was read at
 * (docs/projections.md). The table is the passport projection's (./passport.ts).
 */
import { createHash } from 'node:crypto';
import type { AtCheckpoint, ReadModelStore } from '../read-models/port.js';
import { integer } from '../read-models/rows.js';
import { decodePassport } from './compact.js';
import { PASSPORTS, type Passport } from './passport.js';

/**
 * The passport read's statement, prepared once per connection under a name: PostgreSQL then parses
 * and plans it once instead of on every read (the most frequent public request). The name is derived
 * from the text, which holds the schema, so two stores in one process never share a name for
 * different statements (and it stays under PostgreSQL's 63-byte identifiers).
 */
const prepared = new Map<string, { readonly name: string; readonly text: string }>();

function passportStatement(checkpoints: string, passports: string): { readonly name: string; readonly text: string } {
  const key = `${checkpoints}\n${passports}`;
  let statement = prepared.get(key);
  if (statement === undefined) {
    const text = `SELECT c.position, p.document FROM ${checkpoints} c
         LEFT JOIN ${passports} p ON p.device_id = $2 WHERE c.name = $1`;
    statement = { name: `kierto-passport-${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text };
    prepared.set(key, statement);
  }
  return statement;
}

/** A device's passport (null when it has none) and the checkpoint of the passports read model it was read at. */
export function passportAt(readModels: ReadModelStore, deviceId: string): Promise<AtCheckpoint<Passport | null>> {
  return readModels.snapshot<Passport | null>('passports', {
    sqlite: (session) => {
      const row = session
        .prepare<[string], { document: Buffer }>(`SELECT document FROM ${session.table(PASSPORTS)} WHERE device_id = ?`)
        .get(deviceId);
      return row === undefined ? null : decodePassport<Passport>(row.document);
    },
    postgres: async (session) => {
      const { rows } = await session.client.query<{ document: Buffer }>(
        `SELECT document FROM ${session.table(PASSPORTS)} WHERE device_id = $1`,
        [deviceId],
      );
      const document = rows[0]?.document;
      return document === undefined ? null : decodePassport<Passport>(document);
    },
    // One statement, one snapshot: the checkpoint row with the passport (if any) beside it.
    postgresAtOnce: async (session, checkpoints, name) => {
      const { rows } = await session.client.query<{ position: string; document: Buffer | null }>({
        ...passportStatement(checkpoints, session.table(PASSPORTS)),
        values: [name, deviceId],
      });
      const row = rows[0];
      const document = row?.document ?? null;
      return {
        value: document === null ? null : decodePassport<Passport>(document),
        checkpoint: row === undefined ? 0 : integer(row.position, 'position'),
      };
    },
  });
}
