/**
 * Producer memberships of producer organisations, as intervals (docs/statistics.md,
 * docs/adr/0010-countries-and-membership-by-date.md): a join opens one, a leave closes it,
 * half-open [joined, left). Its evolve turns a membership event into a change, and its storage
 * keeps the intervals in the table `statistics_memberships`, both dialects.
 *
 * The statistics read model attributes facts to organisations through these intervals when a figure
 * is asked for, and its pre-aggregated cells are recomputed when a producer's membership changes in
 * the same transaction: so the memberships are written in the statistics projection's page, under
 * its checkpoint, not under one of their own (docs/adr/0012-open-projection-contract.md).
 */
import { isMembershipEventType, MEMBERSHIP_EVENT_TYPES, type MembershipEvent } from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';
import { columnTypes, type Dialect } from '../read-models/ddl.js';
import type { PostgresSession, SqliteSession } from '../projection.js';
import { Sql } from '../read-models/sql.js';
import { epochMillis, utcIso } from '../statistics/time.js';

export { MEMBERSHIP_EVENT_TYPES };

/** A membership interval opens at a join and closes at a leave (half-open: [joined, left)). */
export interface MembershipChange {
  readonly kind: 'joined' | 'left';
  readonly producerId: string;
  readonly organisationId: string;
  readonly effectiveAt: number;
  readonly recordedAt: string;
  readonly globalPosition: number;
}

export const MEMBERSHIPS_TABLE = 'statistics_memberships';

/** The dump order of the intervals: their key. */
export const MEMBERSHIPS_ORDER = 'producer_id, joined_position';

/** The change a membership event makes; null for any other event. Pure. */
export function evolveMembership(stored: StoredEvent): MembershipChange | null {
  if (!isMembershipEventType(stored.type)) return null;
  const event = stored as unknown as StoredEvent & MembershipEvent;
  return {
    kind: event.type === 'ProducerJoinedOrganisation' ? 'joined' : 'left',
    producerId: stored.streamId.slice('producer:'.length),
    organisationId: event.data.organisationId,
    effectiveAt: epochMillis(stored.occurredAt),
    recordedAt: utcIso(stored.recordedAt),
    globalPosition: stored.globalPosition,
  };
}

export function membershipsDdl(dialect: Dialect, table: string): string {
  const t = columnTypes(dialect);
  return `CREATE TABLE IF NOT EXISTS ${table} (
      producer_id ${t.text} NOT NULL,
      joined_position ${t.int} NOT NULL,
      organisation_id ${t.text} NOT NULL,
      joined_ms ${t.int} NOT NULL,
      joined_recorded_at ${t.text} NOT NULL,
      left_ms ${t.int},
      left_recorded_at ${t.text},
      left_position ${t.int},
      PRIMARY KEY (producer_id, joined_position)
    )${t.strict}`;
}

/** A join inserts an interval; a leave closes the producer's open interval with that organisation. */
function statement(
  change: MembershipChange,
  table: string,
): { readonly text: string; readonly params: (string | number)[] } {
  if (change.kind === 'joined') {
    return {
      text: `INSERT INTO ${table} (producer_id, joined_position, organisation_id, joined_ms, joined_recorded_at) VALUES (?, ?, ?, ?, ?)`,
      params: [change.producerId, change.globalPosition, change.organisationId, change.effectiveAt, change.recordedAt],
    };
  }
  return {
    text: `UPDATE ${table} SET left_ms = ?, left_recorded_at = ?, left_position = ?
           WHERE producer_id = ? AND organisation_id = ? AND left_ms IS NULL`,
    params: [change.effectiveAt, change.recordedAt, change.globalPosition, change.producerId, change.organisationId],
  };
}

export function writeSqliteMemberships(session: SqliteSession, changes: readonly MembershipChange[]): void {
  for (const change of changes) {
    const { text, params } = statement(change, session.table(MEMBERSHIPS_TABLE));
    session.prepare<(string | number)[]>(text).run(...params);
  }
}

export async function writePostgresMemberships(
  session: PostgresSession,
  changes: readonly MembershipChange[],
): Promise<void> {
  for (const change of changes) {
    const { text, params } = statement(change, session.table(MEMBERSHIPS_TABLE));
    await session.query(new Sql().add(text, ...params));
  }
}
