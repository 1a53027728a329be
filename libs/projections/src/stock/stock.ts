/**
 * The stock read model (docs/intake.md, "Stock"): per device, the organisation holding it and what a
 * reuse centre filters its stock by. The holder is the organisation that recorded the latest
 * handover (ADR 0023): a placing on the market (the producer, as the passport's holder `producer`),
 * a collection (the collector). A resale hands the device to a buyer, recycling ends it, and a
 * history that starts at a repair café is its owner's: then no organisation holds it. A wipe sets
 * the wipe state, which every handover resets: a centre asks what it wiped since it received a device.
 */
import { isDeviceEventType, type LifecycleStatus } from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';
import type { Evolved, PostgresSession, Projection, ReadModelStorage, SqliteSession } from '../projection.js';
import { columnTypes } from '../read-models/ddl.js';

export type StockWipeState = 'not-wiped' | 'passed' | 'failed';

export interface StockEntry {
  readonly deviceId: string;
  /** Position of the last event applied: an older one changes nothing (replays). */
  readonly globalPosition: number;
  readonly holder: string | null;
  readonly status: LifecycleStatus;
  readonly weeeCategory: number | null;
  /** occurredAt of the handover to the holder, as recorded. */
  readonly receivedAt: string | null;
  readonly wipe: StockWipeState;
  /** occurredAt of the latest wipe since the handover, null when none. */
  readonly wipedAt: string | null;
  readonly manufacturer: string | null;
  readonly brand: string | null;
  readonly model: string | null;
  readonly serialNumber: string | null;
}

/** Bump when the entries an event history gives change: the table is then rebuilt. */
const STOCK_CODE_VERSION = 1;
export const STOCK = 'stock';

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function withProduct(entry: StockEntry, product: unknown): StockEntry {
  if (typeof product !== 'object' || product === null) return entry;
  const fields = product as Record<string, unknown>;
  return {
    ...entry,
    weeeCategory: typeof fields['weeeCategory'] === 'number' ? fields['weeeCategory'] : entry.weeeCategory,
    manufacturer: text(fields['manufacturer']) ?? entry.manufacturer,
    brand: text(fields['brand']) ?? entry.brand,
    model: text(fields['model']) ?? entry.model,
    serialNumber: text(fields['serialNumber']) ?? entry.serialNumber,
  };
}

const EMPTY = (deviceId: string): StockEntry => ({
  deviceId,
  globalPosition: 0,
  holder: null,
  status: 'in-use',
  weeeCategory: null,
  receivedAt: null,
  wipe: 'not-wiped',
  wipedAt: null,
  manufacturer: null,
  brand: null,
  model: null,
  serialNumber: null,
});

/** Pure: the entry after one device event. */
export function evolveStock(entry: StockEntry | null, event: StoredEvent): StockEntry | null {
  const base = { ...(entry ?? EMPTY(event.streamId)), globalPosition: event.globalPosition };
  const handedTo = (holder: string | null, status: LifecycleStatus): StockEntry => ({
    ...withProduct(base, event.data['product']),
    holder,
    status,
    receivedAt: event.occurredAt,
    wipe: 'not-wiped',
    wipedAt: null,
  });
  switch (event.type) {
    case 'DevicePlacedOnMarket':
      return handedTo(event.actor.organisationId, 'in-use');
    case 'DeviceCollected':
      // A collection of a device unknown to Kierto without a description starts nothing (the domain refuses it).
      if (entry === null && event.data['product'] === undefined) return null;
      return handedTo(event.actor.organisationId, 'collected');
    case 'DeviceResold':
      return { ...handedTo(null, 'in-use') };
    case 'DeviceRecycled':
      return { ...base, holder: null, status: 'recycled' };
    case 'DeviceRepaired':
      // A repair that starts a history (ADR 0019): the owner's device, no organisation holds it.
      return entry === null ? (event.data['product'] === undefined ? null : handedTo(null, 'in-use')) : base;
    case 'DeviceDataWiped':
      if (entry === null) return null;
      return { ...base, wipe: event.data['result'] === 'passed' ? 'passed' : 'failed', wipedAt: event.occurredAt };
    default:
      return entry;
  }
}

/** A time as UTC ISO with milliseconds: text that orders as the instants do, whatever offset was recorded. */
export function utcOf(time: string | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}

function rowOf(entry: StockEntry): (string | number | null)[] {
  return [
    entry.deviceId,
    entry.holder,
    entry.status,
    entry.weeeCategory,
    utcOf(entry.receivedAt),
    entry.wipe,
    JSON.stringify(entry),
  ];
}

const COLUMNS = 'device_id, holder, status, weee_category, received_at, wipe, document';
const UPSERT_SET =
  'holder = excluded.holder, status = excluded.status, weee_category = excluded.weee_category, ' +
  'received_at = excluded.received_at, wipe = excluded.wipe, document = excluded.document';

async function loadPostgres(session: PostgresSession, keys: readonly string[]): Promise<Map<string, StockEntry>> {
  const found = new Map<string, StockEntry>();
  if (keys.length === 0) return found;
  const { rows } = await session.client.query<{ device_id: string; document: string }>(
    `SELECT device_id, document FROM ${session.table(STOCK)} WHERE device_id = ANY($1::text[])`,
    [keys],
  );
  for (const row of rows) found.set(row.device_id, JSON.parse(row.document) as StockEntry);
  return found;
}

function loadSqlite(session: SqliteSession, keys: readonly string[]): Map<string, StockEntry> {
  const found = new Map<string, StockEntry>();
  if (keys.length === 0) return found;
  const rows = session
    .prepare<[string], { device_id: string; document: string }>(
      `SELECT device_id, document FROM ${session.table(STOCK)} WHERE device_id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(keys));
  for (const row of rows) found.set(row.device_id, JSON.parse(row.document) as StockEntry);
  return found;
}

export const stockStorage: ReadModelStorage<StockEntry, Evolved<StockEntry>> = {
  tables: { [STOCK]: 'device_id' },
  ddl: (dialect, table) => {
    const t = columnTypes(dialect);
    return [
      `CREATE TABLE IF NOT EXISTS ${table(STOCK)} (
        device_id ${t.text} PRIMARY KEY,
        holder ${t.text},
        status ${t.text} NOT NULL,
        weee_category ${t.int},
        received_at ${t.text},
        wipe ${t.text} NOT NULL,
        document ${t.document} NOT NULL
      )${t.strict}`,
      // The listing: one organisation's devices in the order they were received, keyset-paged.
      `CREATE INDEX IF NOT EXISTS stock_by_holder ON ${table(STOCK)} (holder, received_at, device_id)`,
    ];
  },
  sqlite: {
    load: loadSqlite,
    write: (session, page) => {
      const upsert = session.prepare(
        `INSERT INTO ${session.table(STOCK)} (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (device_id) DO UPDATE SET ${UPSERT_SET}`,
      );
      for (const entry of page.documents.values()) upsert.run(...rowOf(entry));
    },
  },
  postgres: {
    load: loadPostgres,
    write: async (session, page) => {
      for (const entry of page.documents.values()) {
        await session.client.query(
          `INSERT INTO ${session.table(STOCK)} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (device_id) DO UPDATE SET ${UPSERT_SET}`,
          rowOf(entry),
        );
      }
    },
  },
};

export const stockProjection: Projection<StockEntry> = {
  name: STOCK,
  version: `stock/${STOCK_CODE_VERSION}`,
  eventTypes: [
    'DevicePlacedOnMarket',
    'DeviceCollected',
    'DeviceDataWiped',
    'DeviceRepaired',
    'DeviceResold',
    'DeviceRecycled',
  ],
  documentKey: (event) => (isDeviceEventType(event.type) ? event.streamId : null),
  evolve: (entry, event): Evolved<StockEntry> => {
    if (entry !== null && event.globalPosition <= entry.globalPosition) return { document: entry };
    return { document: evolveStock(entry, event) };
  },
  storage: stockStorage,
};
