/**
 * Where read models live (DESIGN §2: "Read models live in SQLite or PostgreSQL"). The projections are
 * pure; this port is the SQL side: it loads the documents a page needs, writes a page's changes and
 * the new checkpoints in **one transaction**, resets a projection for a rebuild, and answers queries.
 * Two adapters implement it with the same tables and the same statistics SQL (./statistics-sql.ts).
 */
import type { Market, TreatmentLocation, WeeeCategory } from '../../../domain/src/index.js';
import type { Passport } from '../passport/passport.js';
import type { DocumentCollection, ProjectionName } from '../projection.js';
import type { MembershipChange, Measure, StatisticsFact } from '../statistics/facts.js';

export interface Checkpoint {
  readonly name: ProjectionName;
  /** Global position of the last event the projection has applied; 0 before the first. */
  readonly position: number;
  readonly version: string;
  /** Hash of the event at `position`, to recognise the log the read model was built from. */
  readonly hash: string | null;
  readonly updatedAt: string | null;
}

export interface CheckpointMove {
  readonly name: ProjectionName;
  /** The position the page was computed from: the write is refused when the stored one differs. */
  readonly from: number;
  readonly to: number;
  readonly hash: string;
}

export interface DocumentWrite {
  readonly collection: DocumentCollection;
  readonly key: string;
  readonly document: object;
}

/** Everything one page of events changes, written atomically with its checkpoint moves. */
export interface PageWrite {
  readonly checkpoints: readonly CheckpointMove[];
  readonly documents: readonly DocumentWrite[];
  readonly facts: readonly StatisticsFact[];
  readonly memberships: readonly MembershipChange[];
  /** Events this page passes without applying them (docs/adr/0011): recorded with the checkpoint move. */
  readonly quarantine?: readonly QuarantinedEvent[];
  /**
   * A quarantined event applied after all (`kierto quarantine --retry`): its row is deleted in the
   * page's transaction, which fails with QuarantineReleasedError when it is gone already, so two
   * operators never apply it twice. No checkpoint moves; the statistics cells take the facts at
   * its position.
   */
  readonly release?: { readonly name: ProjectionName; readonly position: number };
}

/**
 * An event a projection could not apply, deterministically: the projector passed it so that the
 * read model goes on for every other device, and keeps it here, with the reason, until an operator
 * re-projects it or a rebuild replays it.
 */
export interface QuarantinedEvent {
  readonly name: ProjectionName;
  readonly globalPosition: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly streamId: string;
  /** The error the event gave, as text (first 2000 characters). */
  readonly reason: string;
  /** When it was quarantined (server time, UTC ISO). */
  readonly quarantinedAt: string;
}

/** The release of a quarantined event found its row gone: another operator re-projected it first. */
export class QuarantineReleasedError extends Error {
  constructor(
    readonly projection: ProjectionName,
    readonly position: number,
  ) {
    super(`The ${projection} quarantine no longer holds position ${position}; it was re-projected or rebuilt meanwhile`);
    this.name = 'QuarantineReleasedError';
  }
}

/** Another projector instance (or a rebuild) moved the checkpoint since the page was read: nothing was written. */
export class CheckpointMovedError extends Error {
  constructor(
    readonly projection: ProjectionName,
    readonly expected: number,
  ) {
    super(`The ${projection} checkpoint is no longer at ${expected}; another projector moved it`);
    this.name = 'CheckpointMovedError';
  }
}

export interface StatisticsFilters {
  readonly country: string | null;
  readonly producerId: string | null;
  readonly organisationId: string | null;
  readonly category: WeeeCategory | null;
  readonly market: Market | null;
}

export type SumDimension = 'category' | 'market' | 'treatment';

export interface SumsQuery {
  readonly years: readonly number[];
  readonly measures: readonly Measure[];
  readonly filters: StatisticsFilters;
  /** Canonical UTC ISO; null for the current figures (from the pre-aggregated cells). */
  readonly asOf: string | null;
  readonly groupBy: readonly SumDimension[];
}

export interface SumRow {
  readonly year: number;
  readonly measure: Measure;
  readonly category: WeeeCategory | null;
  readonly market: Market | null;
  readonly treatment: TreatmentLocation | null;
  readonly massMg: number;
  readonly units: number;
  /** Σ value of indicator facts. */
  readonly value: number;
  readonly facts: number;
}

export interface FactsQuery {
  readonly year: number;
  readonly measure: Measure | null;
  readonly treatment: TreatmentLocation | null;
  readonly filters: StatisticsFilters;
  readonly asOf: string | null;
  /** Keyset cursor: facts strictly after this (measure, position), the order facts are listed in. */
  readonly after: { readonly globalPosition: number; readonly measure: Measure } | null;
  readonly limit: number;
}

/** A fact with the producer organisation it is attributed to (resolved at query time). */
export interface AttributedFact extends StatisticsFact {
  readonly organisationId: string | null;
}

/** A query answer and the checkpoint of the snapshot it was read from. */
export interface AtCheckpoint<T> {
  readonly value: T;
  readonly checkpoint: number;
}

export type PrepareOutcome = 'kept' | 'created' | { readonly recreated: string };

export interface ReadModelStore {
  readonly kind: 'sqlite' | 'postgres';

  /** Creates the checkpoint table; idempotent. */
  init(): Promise<void>;

  /**
   * Makes a projection's tables ready: creates them with a checkpoint at 0 when missing ('created'),
   * drops and recreates them when they were built by another version ('recreated'), else 'kept'.
   */
  prepare(name: ProjectionName, version: string): Promise<PrepareOutcome>;

  checkpoints(): Promise<ReadonlyMap<ProjectionName, Checkpoint>>;

  /** The stored documents of these keys (missing keys are absent from the map). */
  loadDocuments(collection: DocumentCollection, keys: readonly string[]): Promise<Map<string, object>>;

  /** Writes a page and moves its checkpoints in one transaction; CheckpointMovedError when one moved. */
  commit(page: PageWrite): Promise<void>;

  /**
   * Drops and recreates a projection's tables, checkpoint back to 0 (rebuild from the log). Its
   * quarantine is emptied too: the rebuild meets those events again and quarantines what still fails.
   */
  reset(name: ProjectionName, version: string): Promise<void>;

  /** The quarantined events, oldest first (at most `limit`), and how many there are per projection. */
  quarantined(limit: number): Promise<{
    readonly events: readonly QuarantinedEvent[];
    readonly counts: ReadonlyMap<ProjectionName, number>;
  }>;

  passport(deviceId: string): Promise<AtCheckpoint<Passport | null>>;
  sums(query: SumsQuery): Promise<AtCheckpoint<SumRow[]>>;
  facts(query: FactsQuery): Promise<AtCheckpoint<AttributedFact[]>>;

  /** Every row of every read-model table in a stable order: what tests compare after a crash or a rebuild. */
  dump(): Promise<Record<string, unknown[]>>;

  close(): Promise<void>;
}
