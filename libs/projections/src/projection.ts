/**
 * Projections (DESIGN §2): read models built from the global log as pure functions of the events.
 * A projection never touches storage: for each event it returns the next version of the one
 * document the event concerns (its stream's) and, for the statistics, the facts and membership
 * changes the event produces. The projector batches those into one transaction per page, together
 * with the projection's checkpoint; the read-model store (./read-models) does the SQL.
 */
import type { StoredEvent } from '../../event-store/src/port.js';
import type { MembershipChange, StatisticsFact } from './statistics/facts.js';

export const PROJECTION_NAMES = ['passports', 'statistics'] as const;
export type ProjectionName = (typeof PROJECTION_NAMES)[number];

/** Keyed JSON documents the read-model store keeps, one per stream. */
export type DocumentCollection = 'passports' | 'statistics_devices';

export interface Applied<Doc> {
  /** The document after the event (unchanged when the event does not concern it). */
  readonly document: Doc | null;
  readonly facts: readonly StatisticsFact[];
  readonly memberships: readonly MembershipChange[];
}

export interface Projection<Doc extends object> {
  readonly name: ProjectionName;
  /**
   * Identifies what the projection computes: it changes with the code (bump the number) and with
   * any setting that changes the output (the reporting time zone). A stored read model built under
   * another version is dropped and rebuilt from the log.
   */
  readonly version: string;
  readonly collection: DocumentCollection;
  /** Whether the projection reads events of this type; others only move its checkpoint. */
  handles(type: string): boolean;
  /** The key of the document an event concerns (its stream id), or null when it concerns none. */
  documentKey(event: StoredEvent): string | null;
  /**
   * Pure: the next document and what the event adds. Applying an event the document has already
   * seen (its position is not past the document's) changes nothing, so replays are harmless.
   */
  apply(document: Doc | null, event: StoredEvent): Applied<Doc>;
}

/** A projection with its document type erased, as the projector holds them. */
export type AnyProjection = Projection<object>;

export const unchanged = <Doc>(document: Doc | null): Applied<Doc> => ({ document, facts: [], memberships: [] });
