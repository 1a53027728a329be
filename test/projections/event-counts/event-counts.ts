/**
 * A toy read model, written the way the next real one is (docs/projections.md "Adding a read
 * model"): how many events of each type the log holds, in a table of its own. Everything it needs is
 * in this folder; it uses only the public face of libs/projections.
 */
import { DOMAIN_EVENT_TYPES } from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';
import {
  columnTypes,
  integer,
  Sql,
  text,
  type AtCheckpoint,
  type Evolved,
  type Projection,
  type ProjectionPage,
  type ReadModelStore,
} from '#kierto/projections';

const TABLE = 'event_type_counts';

/** The projection keeps no per-stream document. */
export type NoDocument = Record<string, never>;

/** What one event gives: no document, its type. */
export interface Counted extends Evolved<NoDocument> {
  readonly type: string;
}

function countsOf(page: ProjectionPage<NoDocument, Counted>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { type } of page.applied) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/** Adds a page's counts to the stored ones: the same text in both dialects. */
const upsert = (table: string, type: string, events: number): Sql =>
  new Sql().add(
    `INSERT INTO ${table} AS c (event_type, events) VALUES (?, ?)
     ON CONFLICT (event_type) DO UPDATE SET events = c.events + excluded.events`,
    type,
    events,
  );

export const eventCountsProjection: Projection<NoDocument, Counted> = {
  name: 'event-counts',
  version: 'event-counts/1',
  eventTypes: DOMAIN_EVENT_TYPES,
  documentKey: () => null,
  evolve: (_document: NoDocument | null, event: StoredEvent): Counted => ({ document: null, type: event.type }),
  storage: {
    tables: { [TABLE]: 'event_type' },
    ddl: (dialect, table) => {
      const t = columnTypes(dialect);
      return [
        `CREATE TABLE IF NOT EXISTS ${table(TABLE)} (event_type ${t.text} PRIMARY KEY, events ${t.int} NOT NULL)${t.strict}`,
      ];
    },
    sqlite: {
      load: () => new Map<string, NoDocument>(),
      write(session, page) {
        for (const [type, events] of countsOf(page)) {
          const sql = upsert(session.table(TABLE), type, events);
          session.prepare(sql.text).run(...sql.params);
        }
      },
    },
    postgres: {
      load: () => Promise.resolve(new Map<string, NoDocument>()),
      async write(session, page) {
        for (const [type, events] of countsOf(page)) await session.query(upsert(session.table(TABLE), type, events));
      },
    },
  },
};

/** The counts by event type, with the checkpoint they were read at. */
export function eventCountsAt(readModels: ReadModelStore): Promise<AtCheckpoint<Record<string, number>>> {
  const toRecord = (rows: readonly Record<string, unknown>[]): Record<string, number> =>
    Object.fromEntries(rows.map((row) => [text(row['event_type'], 'event_type'), integer(row['events'], 'events')]));
  const select = (table: string): Sql => new Sql().add(`SELECT event_type, events FROM ${table} ORDER BY event_type`);
  return readModels.snapshot('event-counts', {
    sqlite: (session) => {
      const sql = select(session.table(TABLE));
      return toRecord(session.db.prepare<unknown[], Record<string, unknown>>(sql.text).all(...sql.params));
    },
    postgres: async (session) => toRecord(await session.query(select(session.table(TABLE)))),
  });
}
