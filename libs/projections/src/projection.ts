/**
 * The projection contract (docs/projections.md, docs/adr/0012-open-projection-contract.md), in the
 * spirit of Emmett's ProjectionDefinition: a projection declares the event types it handles, its
 * pure `evolve`, and its own read-model storage (tables, how a page of its changes is written, in
 * SQLite and PostgreSQL). The projector pages the log, calls `evolve`, and hands each projection's
 * part of a page to its storage inside the transaction that moves the checkpoint; it knows no read
 * model by name. The next read model is a new folder with one of these.
 */
import type Database from 'better-sqlite3';
import type { PoolClient } from 'pg';
import type { StoredEvent } from '#kierto/event-store';
import type { Dialect } from './read-models/ddl.js';
import type { DocumentCodec } from './read-models/documents.js';
import type { Row, Sql } from './read-models/sql.js';

/** A projection's name: its checkpoint's and quarantine rows' key, and what `--projection` selects. */
export type ProjectionName = string;

/**
 * What applying one event gives: the next version of the one document the event concerns (its
 * stream's; unchanged when it concerns none), plus whatever else the projection's storage writes
 * (facts, counters, …) as the projection's own fields.
 */
export interface Evolved<Doc> {
  readonly document: Doc | null;
}

export interface Projection<Doc extends object, Out extends Evolved<Doc> = Evolved<Doc>> {
  readonly name: ProjectionName;
  /**
   * Identifies what the projection computes: it changes with the code (bump the number) and with
   * any setting that changes the output (the reporting time zone). A stored read model built under
   * another version is dropped and rebuilt from the log.
   */
  readonly version: string;
  /** The event types the projection reads; others only move its checkpoint. */
  readonly eventTypes: readonly string[];
  /** The key of the document an event concerns (its stream id), or null when it concerns none. */
  documentKey(event: StoredEvent): string | null;
  /**
   * Pure: the next document and what the event adds. Applying an event the document has already
   * seen (its position is not past the document's) changes nothing, so replays are harmless.
   */
  evolve(document: Doc | null, event: StoredEvent): Out;
  /** Where its read model lives and how a page of its changes is written. */
  readonly storage: ReadModelStorage<Doc, Out>;
}

/** A projection with its types erased, as the projector holds them. */
export type AnyProjection = Projection<object, Evolved<object>>;

/** What one projection's part of a page changes, as its storage writes it. */
export interface ProjectionPage<Doc, Out> {
  /**
   * The positions the part covers, (from, to]: its checkpoint move, or the one quarantined event a
   * retry re-projects.
   */
  readonly from: number;
  readonly to: number;
  /** The documents the part changed, by key, as they are after its last event. */
  readonly documents: ReadonlyMap<string, Doc>;
  /** What each applied event gave (`evolve`), in log order. */
  readonly applied: readonly Out[];
  /**
   * The page is part of a full rebuild (docs/adr/0032): the storage may skip what its
   * `finishRebuild` builds once, set-based, when the rebuild reaches the end of the log.
   */
  readonly rebuilding: boolean;
}

/** A better-sqlite3 connection inside the store's transaction (or read snapshot). */
export interface SqliteSession {
  readonly db: Database.Database;
  /** A statement prepared once per text and kept: a rebuild writes thousands of pages with the same few. */
  readonly prepare: <P extends unknown[] = unknown[], R = unknown>(text: string) => Database.Statement<P, R>;
  /** The table's name as this store spells it. */
  readonly table: (name: string) => string;
}

/** A pg client inside the store's transaction (or read snapshot). */
export interface PostgresSession {
  readonly client: PoolClient;
  /** The table's name qualified by the store's schema. */
  readonly table: (name: string) => string;
  /** Runs a statement written with `?` placeholders (./sql.ts). */
  readonly query: (sql: Sql) => Promise<Row[]>;
}

/**
 * A projection's read model, as the projection declares it: its tables, how its documents are
 * loaded and how a page of its changes is written, per dialect. The engine calls these inside the
 * page's transaction, after moving the checkpoints.
 */
export interface ReadModelStorage<Doc, Out> {
  /** The projection's tables (unqualified) and the ORDER BY of each in dump(): its key. */
  readonly tables: Readonly<Record<string, string>>;
  /**
   * CREATE statements of its tables and of the indexes its writes rely on (keys, unique
   * constraints for ON CONFLICT), `IF NOT EXISTS` so they can be re-run.
   */
  ddl(dialect: Dialect, table: (name: string) => string): readonly string[];
  /**
   * CREATE statements of its secondary indexes, which only its queries read, `IF NOT EXISTS`. A
   * full rebuild creates them once at its end rather than maintaining them on every insert
   * (docs/adr/0032); otherwise they are created with the tables.
   */
  indexes?(dialect: Dialect, table: (name: string) => string): readonly string[];
  /**
   * How its `document` columns are stored when not as JSON text (the passports' deflated JSON):
   * dump() reads them back through it, so that dumps compare documents, not their encoding.
   */
  readonly documentCodec?: DocumentCodec;
  readonly sqlite: {
    load(session: SqliteSession, keys: readonly string[]): Map<string, Doc>;
    write(session: SqliteSession, page: ProjectionPage<Doc, Out>): void;
    /**
     * Ends a full rebuild, in the transaction of its last page, before the secondary indexes are
     * created: builds what its pages skipped while `rebuilding` (the statistics cells).
     */
    finishRebuild?(session: SqliteSession): void;
  };
  readonly postgres: {
    load(session: PostgresSession, keys: readonly string[]): Promise<Map<string, Doc>>;
    write(session: PostgresSession, page: ProjectionPage<Doc, Out>): Promise<void>;
    /** As `sqlite.finishRebuild`. */
    finishRebuild?(session: PostgresSession): Promise<void>;
  };
}
