/**
 * Reading the stock (./stock.ts): one organisation's devices, filtered, in the order they were
 * received (then by device id), keyset-paged: a page continues after the last row of the previous
 * one, so rows recorded meanwhile never shift a page. Same SQL for SQLite and PostgreSQL.
 */
import type { LifecycleStatus } from '#kierto/domain';
import type { AtCheckpoint, ReadModelStore } from '../read-models/port.js';
import { Sql } from '../read-models/sql.js';
import { STOCK, STOCK_LOT_DEVICES, type StockEntry, type StockWipeState } from './stock.js';

export interface StockFilter {
  readonly holder: string;
  readonly status?: LifecycleStatus | undefined;
  readonly weeeCategory?: number | undefined;
  /** Received at or after / before this instant (UTC ISO, as `utcOf` writes it). */
  readonly receivedFrom?: string | undefined;
  readonly receivedBefore?: string | undefined;
  readonly wipe?: StockWipeState | undefined;
  /** Only the devices put in this lot (DevicesAddedToLot). */
  readonly lot?: string | undefined;
  /** The last row of the previous page: its received time (UTC ISO) and device id. */
  readonly after?: { readonly receivedAt: string; readonly deviceId: string } | undefined;
  readonly limit: number;
}

export interface StockPage {
  readonly entries: readonly StockEntry[];
  /** Whether rows follow the last one. */
  readonly more: boolean;
  /** The last row's received time (UTC ISO) and device id: the key of the next page. */
  readonly last: { readonly receivedAt: string; readonly deviceId: string } | null;
}

function query(table: string, lotTable: string, filter: StockFilter): Sql {
  const sql = new Sql().add(`SELECT received_at, document FROM ${table} WHERE holder = ?`, filter.holder);
  if (filter.status !== undefined) sql.add('AND status = ?', filter.status);
  if (filter.weeeCategory !== undefined) sql.add('AND weee_category = ?', filter.weeeCategory);
  if (filter.receivedFrom !== undefined) sql.add('AND received_at >= ?', filter.receivedFrom);
  if (filter.receivedBefore !== undefined) sql.add('AND received_at < ?', filter.receivedBefore);
  if (filter.wipe !== undefined) sql.add('AND wipe = ?', filter.wipe);
  if (filter.lot !== undefined)
    sql.add(`AND device_id IN (SELECT device_id FROM ${lotTable} WHERE lot_id = ?)`, filter.lot);
  if (filter.after !== undefined) {
    sql.add(
      'AND (received_at > ? OR (received_at = ? AND device_id > ?))',
      filter.after.receivedAt,
      filter.after.receivedAt,
      filter.after.deviceId,
    );
  }
  // One more row than asked: whether a next page exists, without counting.
  return sql.add('ORDER BY received_at, device_id LIMIT ?', filter.limit + 1);
}

function pageOf(rows: readonly { received_at: unknown; document: unknown }[], limit: number): StockPage {
  const kept = rows.slice(0, limit);
  const entries = kept.map((row) => JSON.parse(String(row.document)) as StockEntry);
  const lastRow = kept.at(-1);
  const lastEntry = entries.at(-1);
  return {
    entries,
    more: rows.length > limit,
    last:
      lastRow === undefined || lastEntry === undefined
        ? null
        : { receivedAt: String(lastRow.received_at), deviceId: lastEntry.deviceId },
  };
}

export function stockPage(readModels: ReadModelStore, filter: StockFilter): Promise<AtCheckpoint<StockPage>> {
  return readModels.snapshot<StockPage>(STOCK, {
    sqlite: (session) => {
      const sql = query(session.table(STOCK), session.table(STOCK_LOT_DEVICES), filter);
      const rows = session.db.prepare(sql.text).all(...sql.params) as { received_at: unknown; document: unknown }[];
      return pageOf(rows, filter.limit);
    },
    postgres: async (session) => {
      const rows = await session.query(query(session.table(STOCK), session.table(STOCK_LOT_DEVICES), filter));
      return pageOf(rows as { received_at: unknown; document: unknown }[], filter.limit);
    },
  });
}
