/**
 * The stock read model (docs/intake.md, "Stock"): per device, the organisation holding it and what a
 * reuse centre filters its stock by. The holder is the organisation that recorded the latest
 * handover (ADR 0023): a placing on the market (the producer, as the passport's holder `producer`),
 * a collection (the collector), an accepted lot handover (the receiver, DeviceHandedOver, ADR 0026).
 * A resale hands the device to a buyer, recycling ends it, and a history that starts at a repair
 * café is its owner's: then no organisation holds it. A wipe sets the wipe state, which every
 * handover resets: a centre asks what it wiped since it received a device.
 *
 * The lots a device was put in (DevicesAddedToLot, on the lot's stream) are rows of a second table,
 * which the `lot` filter reads: one event names many devices, so they are the projection's own
 * rows beside the documents, as the statistics' facts are.
 */
import { isDeviceEventType, LOT_STREAM_PREFIX, type LifecycleStatus } from '#kierto/domain';
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

/** A device put in a lot. */
export interface StockLotDevice {
  readonly lotId: string;
  readonly deviceId: string;
}

/** What one event gives the stock: the device's entry, and the devices a lot event put in a lot. */
export interface StockApplied extends Evolved<StockEntry> {
  readonly lotDevices: readonly StockLotDevice[];
}

/** Bump when the entries an event history gives change: the tables are then rebuilt. 2: handovers, lots. */
const STOCK_CODE_VERSION = 2;
export const STOCK = 'stock';
export const STOCK_LOT_DEVICES = 'stock_lot_devices';

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
    case 'DeviceHandedOver': {
      if (entry === null) return null;
      const to = event.data['toOrganisationId'];
      return handedTo(typeof to === 'string' ? to : entry.holder, entry.status);
    }
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

/** The devices a DevicesAddedToLot event put in its lot (the stream `lot:{lotId}`). */
export function lotDevicesOf(event: StoredEvent): StockLotDevice[] {
  if (event.type !== 'DevicesAddedToLot' || !event.streamId.startsWith(LOT_STREAM_PREFIX)) return [];
  const lotId = event.streamId.slice(LOT_STREAM_PREFIX.length);
  const deviceIds = event.data['deviceIds'];
  if (!Array.isArray(deviceIds)) return [];
  return deviceIds.filter((deviceId) => typeof deviceId === 'string').map((deviceId) => ({ lotId, deviceId }));
}

const lotRows = (page: { readonly applied: readonly StockApplied[] }): StockLotDevice[] =>
  page.applied.flatMap((applied) => applied.lotDevices);

export const stockStorage: ReadModelStorage<StockEntry, StockApplied> = {
  tables: { [STOCK]: 'device_id', [STOCK_LOT_DEVICES]: 'lot_id, device_id' },
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
      `CREATE TABLE IF NOT EXISTS ${table(STOCK_LOT_DEVICES)} (
        lot_id ${t.text} NOT NULL,
        device_id ${t.text} NOT NULL,
        PRIMARY KEY (lot_id, device_id)
      )${t.strict}`,
    ];
  },
  // The listing: one organisation's devices in the order they were received, keyset-paged. A full
  // rebuild creates it at its end (docs/adr/0032).
  indexes: (_dialect, table) => [
    `CREATE INDEX IF NOT EXISTS stock_by_holder ON ${table(STOCK)} (holder, received_at, device_id)`,
  ],
  sqlite: {
    load: loadSqlite,
    write: (session, page) => {
      const upsert = session.prepare(
        `INSERT INTO ${session.table(STOCK)} (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (device_id) DO UPDATE SET ${UPSERT_SET}`,
      );
      for (const entry of page.documents.values()) upsert.run(...rowOf(entry));
      const inLot = session.prepare(
        `INSERT INTO ${session.table(STOCK_LOT_DEVICES)} (lot_id, device_id) VALUES (?, ?) ON CONFLICT DO NOTHING`,
      );
      for (const row of lotRows(page)) inLot.run(row.lotId, row.deviceId);
    },
  },
  postgres: {
    load: loadPostgres,
    write: async (session, page) => {
      // One statement per page, a column array each: a statement per device was the largest cost of
      // a PostgreSQL rebuild (one round trip per row, docs/adr/0032).
      const rows = [...page.documents.values()].map(rowOf);
      if (rows.length > 0) {
        await session.client.query(
          `INSERT INTO ${session.table(STOCK)} (${COLUMNS})
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[])
           ON CONFLICT (device_id) DO UPDATE SET ${UPSERT_SET}`,
          [0, 1, 2, 3, 4, 5, 6].map((column) => rows.map((row) => row[column])),
        );
      }
      const lots = lotRows(page);
      if (lots.length > 0) {
        await session.client.query(
          `INSERT INTO ${session.table(STOCK_LOT_DEVICES)} (lot_id, device_id)
           SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
          [lots.map((row) => row.lotId), lots.map((row) => row.deviceId)],
        );
      }
    },
  },
};

export const stockProjection: Projection<StockEntry, StockApplied> = {
  name: STOCK,
  version: `stock/${STOCK_CODE_VERSION}`,
  eventTypes: [
    'DevicePlacedOnMarket',
    'DeviceCollected',
    'DeviceDataWiped',
    'DeviceRepaired',
    'DeviceResold',
    'DeviceRecycled',
    'DeviceHandedOver',
    'DevicesAddedToLot',
  ],
  documentKey: (event) => (isDeviceEventType(event.type) ? event.streamId : null),
  evolve: (entry, event): StockApplied => {
    if (!isDeviceEventType(event.type)) return { document: null, lotDevices: lotDevicesOf(event) };
    if (entry !== null && event.globalPosition <= entry.globalPosition) return { document: entry, lotDevices: [] };
    return { document: evolveStock(entry, event), lotDevices: [] };
  },
  storage: stockStorage,
};
