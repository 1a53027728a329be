/**
 * The projection contract (docs/projections.md, docs/adr/0012-open-projection-contract.md), in the
 * spirit of Emmett's ProjectionDefinition: a projection declares the event types it handles, its
 * pure `evolve`, and its own read-model storage (tables, how a page of its changes is written, in
 * SQLite and PostgreSQL). The projector pages the log, calls `evolve`, and hands each projection's
 * part of a page to its storage inside the transaction that moves the checkpoint; it knows no read
 * model by name. The next read model is a new folder with one of these.
 */
import type { StoredEvent } from '../../event-store/src/port.js';
import type { ReadModelStorage } from './read-models/port.js';

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
