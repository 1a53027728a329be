/**
 * What the erasure report import keeps besides the events it records (docs/erasure.md, ADR 0023):
 * each imported report (its parsed media and what became of each), the queue of media that matched
 * no device, and the drive register (drive serial → the device it was last found in). In Kierto's
 * PostgreSQL schema when DATABASE_URL is set, else in `access.sqlite` beside the organisations (so
 * `kierto backup` carries them, as it does the webhook subscriptions). The
 * wipes themselves are events; this is bookkeeping a person works through, not a source of truth
 * for the device's history.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { ErasedMedium, ErasureReportFormat } from '#kierto/interop';

/** What became of one medium of a report. */
export interface MediumOutcome {
  readonly index: number;
  /** The device it was recorded on, null while it waits in the queue. */
  readonly deviceId: string | null;
  readonly eventId: string | null;
  /** Why it waits (no match, the named device refused the wipe), null when recorded. */
  readonly reason: string | null;
  readonly unmatchedId: string | null;
}

export interface StoredReport {
  readonly organisationId: string;
  readonly id: string;
  readonly format: ErasureReportFormat;
  readonly tool: { readonly name: string; readonly version: string };
  readonly toolReportId: string | null;
  readonly receivedAt: string;
  readonly media: readonly ErasedMedium[];
  readonly outcomes: readonly MediumOutcome[];
}

export interface UnmatchedMedium {
  readonly id: string;
  readonly organisationId: string;
  readonly reportId: string;
  readonly medium: ErasedMedium;
  readonly reason: string;
  readonly queuedAt: string;
  readonly resolution: { readonly deviceId: string; readonly eventId: string; readonly resolvedAt: string } | null;
}

export interface ErasureStore {
  init(): Promise<void>;
  close(): Promise<void>;
  /** False when the organisation imported this report before (nothing is written then). */
  saveReport(report: StoredReport, unmatched: readonly UnmatchedMedium[]): Promise<boolean>;
  report(organisationId: string, id: string): Promise<StoredReport | null>;
  /** One medium of the organisation's queue, resolved or not. */
  unmatched(organisationId: string, id: string): Promise<UnmatchedMedium | null>;
  /** The organisation's queue: waiting media, oldest first (resolved ones too when asked). */
  listUnmatched(organisationId: string, includeResolved: boolean): Promise<UnmatchedMedium[]>;
  /** Records the resolution once; false when it was resolved already. */
  resolve(organisationId: string, id: string, resolution: NonNullable<UnmatchedMedium['resolution']>): Promise<boolean>;
  /** The drive register: the latest device a drive serial was recorded in. */
  linkDrives(links: readonly { serialNumber: string; deviceId: string }[], at: string): Promise<void>;
  deviceOfDrive(serialNumber: string): Promise<string | null>;
}

interface ReportRow {
  organisation_id: string;
  id: string;
  document: string;
}
interface UnmatchedRow {
  document: string;
  resolution: string | null;
}

function reportOf(row: ReportRow | undefined): StoredReport | null {
  return row === undefined ? null : (JSON.parse(row.document) as StoredReport);
}

function unmatchedOf(row: UnmatchedRow): UnmatchedMedium {
  const item = JSON.parse(row.document) as UnmatchedMedium;
  return {
    ...item,
    resolution: row.resolution === null ? null : (JSON.parse(row.resolution) as UnmatchedMedium['resolution']),
  };
}

const TABLES = (prefix: string): string => `
  CREATE TABLE IF NOT EXISTS ${prefix}erasure_reports (
    organisation_id TEXT NOT NULL, id TEXT NOT NULL, received_at TEXT NOT NULL, document TEXT NOT NULL,
    PRIMARY KEY (organisation_id, id));
  CREATE TABLE IF NOT EXISTS ${prefix}erasure_unmatched (
    organisation_id TEXT NOT NULL, id TEXT NOT NULL, queued_at TEXT NOT NULL, document TEXT NOT NULL,
    resolution TEXT, PRIMARY KEY (organisation_id, id));
  CREATE TABLE IF NOT EXISTS ${prefix}erasure_drives (
    serial_number TEXT PRIMARY KEY, device_id TEXT NOT NULL, linked_at TEXT NOT NULL);
`;

export class SqliteErasureStore implements ErasureStore {
  private db: Database.Database | null = null;

  constructor(private readonly file: string) {}

  private get sql(): Database.Database {
    if (this.db === null) throw new Error('The erasure store is not initialised');
    return this.db;
  }

  init(): Promise<void> {
    mkdirSync(dirname(this.file), { recursive: true });
    const db = new Database(this.file);
    db.pragma('busy_timeout = 10000');
    db.exec(TABLES(''));
    this.db = db;
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.db?.close();
    this.db = null;
    return Promise.resolve();
  }

  saveReport(report: StoredReport, unmatched: readonly UnmatchedMedium[]): Promise<boolean> {
    const save = this.sql.transaction((): boolean => {
      const inserted = this.sql
        .prepare(
          'INSERT OR IGNORE INTO erasure_reports (organisation_id, id, received_at, document) VALUES (?, ?, ?, ?)',
        )
        .run(report.organisationId, report.id, report.receivedAt, JSON.stringify(report));
      if (inserted.changes === 0) return false;
      const queue = this.sql.prepare(
        'INSERT OR IGNORE INTO erasure_unmatched (organisation_id, id, queued_at, document, resolution) VALUES (?, ?, ?, ?, NULL)',
      );
      for (const item of unmatched) queue.run(item.organisationId, item.id, item.queuedAt, JSON.stringify(item));
      return true;
    });
    return Promise.resolve(save());
  }

  report(organisationId: string, id: string): Promise<StoredReport | null> {
    const row = this.sql
      .prepare<[string, string], ReportRow>('SELECT * FROM erasure_reports WHERE organisation_id = ? AND id = ?')
      .get(organisationId, id);
    return Promise.resolve(reportOf(row));
  }

  unmatched(organisationId: string, id: string): Promise<UnmatchedMedium | null> {
    const row = this.sql
      .prepare<[string, string], UnmatchedRow>(
        'SELECT document, resolution FROM erasure_unmatched WHERE organisation_id = ? AND id = ?',
      )
      .get(organisationId, id);
    return Promise.resolve(row === undefined ? null : unmatchedOf(row));
  }

  listUnmatched(organisationId: string, includeResolved: boolean): Promise<UnmatchedMedium[]> {
    const rows = this.sql
      .prepare<[string], UnmatchedRow>(
        `SELECT document, resolution FROM erasure_unmatched WHERE organisation_id = ?
         ${includeResolved ? '' : 'AND resolution IS NULL'} ORDER BY queued_at, id`,
      )
      .all(organisationId);
    return Promise.resolve(rows.map(unmatchedOf));
  }

  resolve(
    organisationId: string,
    id: string,
    resolution: NonNullable<UnmatchedMedium['resolution']>,
  ): Promise<boolean> {
    const result = this.sql
      .prepare(
        'UPDATE erasure_unmatched SET resolution = ? WHERE organisation_id = ? AND id = ? AND resolution IS NULL',
      )
      .run(JSON.stringify(resolution), organisationId, id);
    return Promise.resolve(result.changes === 1);
  }

  linkDrives(links: readonly { serialNumber: string; deviceId: string }[], at: string): Promise<void> {
    const link = this.sql.prepare(
      `INSERT INTO erasure_drives (serial_number, device_id, linked_at) VALUES (?, ?, ?)
       ON CONFLICT (serial_number) DO UPDATE SET device_id = excluded.device_id, linked_at = excluded.linked_at`,
    );
    this.sql.transaction(() => {
      for (const { serialNumber, deviceId } of links) link.run(serialNumber, deviceId, at);
    })();
    return Promise.resolve();
  }

  deviceOfDrive(serialNumber: string): Promise<string | null> {
    const row = this.sql
      .prepare<[string], { device_id: string }>('SELECT device_id FROM erasure_drives WHERE serial_number = ?')
      .get(serialNumber);
    return Promise.resolve(row?.device_id ?? null);
  }
}

export class PostgresErasureStore implements ErasureStore {
  private readonly pool: pg.Pool;

  constructor(
    connectionString: string,
    private readonly schema: string,
  ) {
    this.pool = new pg.Pool({ connectionString, max: 2 });
  }

  private table(name: string): string {
    return `"${this.schema}".${name}`;
  }

  async init(): Promise<void> {
    await this.pool.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"; ${TABLES(`"${this.schema}".`)}`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  async saveReport(report: StoredReport, unmatched: readonly UnmatchedMedium[]): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const inserted = await client.query(
        `INSERT INTO ${this.table('erasure_reports')} (organisation_id, id, received_at, document) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING`,
        [report.organisationId, report.id, report.receivedAt, JSON.stringify(report)],
      );
      if (inserted.rowCount === 0) {
        await client.query('ROLLBACK');
        return false;
      }
      for (const item of unmatched) {
        await client.query(
          `INSERT INTO ${this.table('erasure_unmatched')} (organisation_id, id, queued_at, document) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING`,
          [item.organisationId, item.id, item.queuedAt, JSON.stringify(item)],
        );
      }
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async report(organisationId: string, id: string): Promise<StoredReport | null> {
    const { rows } = await this.pool.query<ReportRow>(
      `SELECT * FROM ${this.table('erasure_reports')} WHERE organisation_id = $1 AND id = $2`,
      [organisationId, id],
    );
    return reportOf(rows[0]);
  }

  async unmatched(organisationId: string, id: string): Promise<UnmatchedMedium | null> {
    const { rows } = await this.pool.query<UnmatchedRow>(
      `SELECT document, resolution FROM ${this.table('erasure_unmatched')} WHERE organisation_id = $1 AND id = $2`,
      [organisationId, id],
    );
    return rows[0] === undefined ? null : unmatchedOf(rows[0]);
  }

  async listUnmatched(organisationId: string, includeResolved: boolean): Promise<UnmatchedMedium[]> {
    const { rows } = await this.pool.query<UnmatchedRow>(
      `SELECT document, resolution FROM ${this.table('erasure_unmatched')} WHERE organisation_id = $1
       ${includeResolved ? '' : 'AND resolution IS NULL'} ORDER BY queued_at, id`,
      [organisationId],
    );
    return rows.map(unmatchedOf);
  }

  async resolve(
    organisationId: string,
    id: string,
    resolution: NonNullable<UnmatchedMedium['resolution']>,
  ): Promise<boolean> {
    const result = await this.pool.query(
      `UPDATE ${this.table('erasure_unmatched')} SET resolution = $1 WHERE organisation_id = $2 AND id = $3 AND resolution IS NULL`,
      [JSON.stringify(resolution), organisationId, id],
    );
    return result.rowCount === 1;
  }

  async linkDrives(links: readonly { serialNumber: string; deviceId: string }[], at: string): Promise<void> {
    for (const { serialNumber, deviceId } of links) {
      await this.pool.query(
        `INSERT INTO ${this.table('erasure_drives')} (serial_number, device_id, linked_at) VALUES ($1, $2, $3)
         ON CONFLICT (serial_number) DO UPDATE SET device_id = excluded.device_id, linked_at = excluded.linked_at`,
        [serialNumber, deviceId, at],
      );
    }
  }

  async deviceOfDrive(serialNumber: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ device_id: string }>(
      `SELECT device_id FROM ${this.table('erasure_drives')} WHERE serial_number = $1`,
      [serialNumber],
    );
    return rows[0]?.device_id ?? null;
  }
}

export function createErasureStore(config: {
  databaseUrl: string | null;
  databaseSchema: string;
  dataDir: string;
}): ErasureStore {
  return config.databaseUrl !== null
    ? new PostgresErasureStore(config.databaseUrl, config.databaseSchema)
    : new SqliteErasureStore(join(config.dataDir, 'access.sqlite'));
}
