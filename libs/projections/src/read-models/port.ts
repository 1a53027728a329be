/**
 * Where read models live (docs/projections.md): SQLite or PostgreSQL. The projections are pure; this
 * port is the engine's side of the SQL: it keeps the checkpoints and the quarantine, runs a page's
 * writes and the new checkpoints in **one transaction**, resets a projection for a rebuild, and runs
 * a read in one snapshot with the checkpoint it saw. What a projection stores (its tables, how a
 * page of its changes is written, its queries) is the projection's own `ReadModelStorage`, in its
 * folder (../projection.ts, docs/adr/0012-open-projection-contract.md): nothing here names a read model.
 */
import type {
  AnyProjection,
  Evolved,
  PostgresSession,
  ProjectionName,
  ProjectionPage,
  SqliteSession,
} from '../projection.js';
import type { Dialect } from './ddl.js';

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
  /**
   * The stored version the page was computed under (a full rebuild's marker, or the projection's
   * version): refused when it differs, so that a page folded for a rebuild in progress never
   * commits after another projector finished that rebuild, nor the reverse.
   */
  readonly version: string;
  readonly to: number;
  readonly hash: string;
}

/**
 * What the checkpoint's version reads while a full rebuild is in progress (docs/adr/0032): the
 * projection's tables were recreated without their secondary indexes and its pages skip the work
 * its storage does once at the end (`finishRebuild`). Stored in the checkpoint row, so a crash
 * mid-rebuild leaves it there: the next prepare() keeps the tables and the rebuild resumes in the
 * same mode. A version that is neither the code's nor this marker is rebuilt from zero, as before.
 */
export function rebuildingVersion(version: string): string {
  return `${version}${REBUILDING}`;
}

/** Whether a stored version is a full rebuild in progress (of any version). */
export function isRebuilding(storedVersion: string): boolean {
  return storedVersion.endsWith(REBUILDING);
}

const REBUILDING = ' (rebuilding)';

/**
 * The checkpoint a query may rely on: the stored position, except during a full rebuild of a read
 * model whose storage builds part of it at the end (`finishRebuild`, the statistics cells), or of
 * one this instance does not know: 0 then, until the rebuild ends (docs/adr/0032).
 */
export function readableCheckpoint(
  stored: { readonly position: number; readonly version: string },
  projection: AnyProjection | undefined,
): number {
  if (!isRebuilding(stored.version)) return stored.position;
  const finishes =
    projection === undefined ||
    projection.storage.sqlite.finishRebuild !== undefined ||
    projection.storage.postgres.finishRebuild !== undefined;
  return finishes ? 0 : stored.position;
}

/** A projection whose full rebuild a page ends: at the position the page leaves its checkpoint at. */
export interface RebuildFinish {
  readonly projection: AnyProjection;
  readonly position: number;
}

/** One projection's part of a page. */
export interface PagePart {
  readonly projection: AnyProjection;
  readonly page: ProjectionPage<object, Evolved<object>>;
}

/** Everything one page of events changes, written atomically with its checkpoint moves. */
export interface PageWrite {
  readonly checkpoints: readonly CheckpointMove[];
  readonly parts: readonly PagePart[];
  /** Events this page passes without applying them (docs/adr/0011): recorded with the checkpoint move. */
  readonly quarantine?: readonly QuarantinedEvent[];
  /**
   * A quarantined event applied after all (`kierto quarantine --retry`): its row is deleted in the
   * page's transaction, which fails with QuarantineReleasedError when it is gone already, so two
   * operators never apply it twice. No checkpoint moves.
   */
  readonly release?: { readonly name: ProjectionName; readonly position: number };
  /**
   * The leader epoch of the projector writing this page (PostgreSQL leader election,
   * docs/adr/0020-projector-leader-election.md): the store commits the page only while the stored
   * epoch is still this one, so a leader that lost its lock without knowing it writes nothing.
   */
  readonly fence?: number;
  /**
   * Full rebuilds this page ends (it reached the end of the log): after the page's writes, in its
   * transaction, each projection's storage runs its `finishRebuild`, its secondary indexes are
   * created and its checkpoint gets its real version back, refused (CheckpointMovedError) unless
   * the checkpoint is still at `position` with the rebuilding marker. Queries therefore never see
   * the finished version with the end-of-rebuild work missing.
   */
  readonly finish?: readonly RebuildFinish[];
}

/** A read in one snapshot, per dialect; the store adds the checkpoint the snapshot saw. */
export interface SnapshotRead<T> {
  sqlite(session: SqliteSession): T;
  /** Runs in one REPEATABLE READ, READ ONLY transaction, the checkpoint read in it too. */
  postgres(session: PostgresSession): Promise<T>;
  /**
   * Optional: one statement that returns the value and the checkpoint together, for reads that
   * must be fast (a passport): one round trip instead of a transaction's four.
   */
  postgresAtOnce?(session: PostgresSession, checkpointTable: string, name: ProjectionName): Promise<AtCheckpoint<T>>;
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
    super(
      `The ${projection} quarantine no longer holds position ${position}; it was re-projected or rebuilt meanwhile`,
    );
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

/** The page was fenced off: this projector is no longer the leader (or never was). Nothing was written. */
export class LeadershipLostError extends Error {
  constructor(readonly epoch: number | null) {
    super(
      epoch === null
        ? 'This projector does not hold the leadership; it writes no page'
        : `The projector leadership moved past epoch ${epoch}; another process projects now`,
    );
    this.name = 'LeadershipLostError';
  }
}

/** A query answer and the checkpoint of the snapshot it was read from. */
export interface AtCheckpoint<T> {
  readonly value: T;
  readonly checkpoint: number;
}

export type PrepareOutcome = 'kept' | 'created' | { readonly recreated: string };

export interface ReadModelStore {
  readonly kind: Dialect;

  /** Creates the checkpoint and quarantine tables; idempotent. */
  init(): Promise<void>;

  /**
   * Makes a projection's tables ready: creates them with a checkpoint at 0 when missing ('created'),
   * drops and recreates them when they were built by another version ('recreated'), else 'kept'.
   * Created and recreated tables start a full rebuild: no secondary indexes, the checkpoint's
   * version marked (`rebuildingVersion`) until a page finishes it. A rebuild of the code's version
   * left unfinished (a crash) is 'kept' as it is and resumes; a finished one gets any missing
   * index back. The store remembers the projection's storage for reset() and dump().
   */
  prepare(projection: AnyProjection): Promise<PrepareOutcome>;

  checkpoints(): Promise<ReadonlyMap<ProjectionName, Checkpoint>>;

  /** The stored documents of these keys (missing keys are absent from the map). */
  loadDocuments(projection: AnyProjection, keys: readonly string[]): Promise<Map<string, object>>;

  /** Writes a page and moves its checkpoints in one transaction; CheckpointMovedError when one moved. */
  commit(page: PageWrite): Promise<void>;

  /**
   * Drops and recreates a prepared projection's tables, checkpoint back to 0 (rebuild from the log),
   * as a full rebuild (see prepare()).
   * Its quarantine is emptied too: the rebuild meets those events again and quarantines what still fails.
   */
  reset(name: ProjectionName, version: string): Promise<void>;

  /**
   * Refreshes the planner's statistics of these projections' tables (default: those prepared on
   * this instance) after a bulk load: autovacuum may be off, and a plan made for empty tables turns
   * an index range scan into one lookup per row (docs/adr/0031).
   */
  analyze(names?: readonly ProjectionName[]): Promise<void>;

  /** The quarantined events, oldest first (at most `limit`), and how many there are per projection. */
  quarantined(limit: number): Promise<{
    readonly events: readonly QuarantinedEvent[];
    readonly counts: ReadonlyMap<ProjectionName, number>;
  }>;

  /**
   * Runs a projection's read in one snapshot with that projection's checkpoint, as
   * `readableCheckpoint` gives it (0 while a rebuild that finishes its read model at the end runs).
   */
  snapshot<T>(name: ProjectionName, read: SnapshotRead<T>): Promise<AtCheckpoint<T>>;

  /**
   * Every row of every table of these projections (default: those prepared on this instance), with
   * the checkpoints, in a stable order: what tests compare after a crash or a rebuild.
   */
  dump(projections?: readonly AnyProjection[]): Promise<Record<string, unknown[]>>;

  close(): Promise<void>;
}
