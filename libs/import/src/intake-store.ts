/**
 * Column mappings and intake jobs of each organisation (docs/import.md, "Spreadsheets"; ADR 0024):
 * two small tables beside the access store's, in `access.sqlite` under the data folder (so that
 * `kierto backup` carries the mappings with the organisations) or in Kierto's PostgreSQL schema. Plain tables, not events: a mapping is configuration and a job's status is the
 * record of a run, while what the run imported is in the event store.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { ColumnMapping, IntakeProgress, IntakeRowError } from './sheet.js';

export type IntakeJobState = 'queued' | 'running' | 'done' | 'failed';

export interface IntakeJob {
  readonly id: string;
  readonly organisationId: string;
  readonly mapping: string;
  readonly state: IntakeJobState;
  /** The sheet's columns: the layout of the error report. */
  readonly columns: readonly string[];
  readonly progress: IntakeProgress;
  /** At the end: the highest global position appended (null when nothing was). */
  readonly lastPosition: number | null;
  /** Why a failed job stopped. */
  readonly failure: string | null;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

export interface SavedMapping {
  readonly name: string;
  readonly mapping: ColumnMapping;
  readonly updatedAt: string;
}

export interface IntakeStore {
  init(): Promise<void>;
  putMapping(organisationId: string, name: string, mapping: ColumnMapping, at: string): Promise<void>;
  getMapping(organisationId: string, name: string): Promise<SavedMapping | null>;
  saveJob(job: IntakeJob): Promise<void>;
  /** The job, only when it is the organisation's (another's job is as unknown as a missing one). */
  getJob(organisationId: string, id: string): Promise<IntakeJob | null>;
  saveJobErrors(id: string, errors: readonly IntakeRowError[]): Promise<void>;
  getJobErrors(id: string): Promise<IntakeRowError[]>;
  /** Marks every queued or running job failed (a restart: their sheets were held in memory only). */
  failUnfinished(failure: string, at: string): Promise<number>;
  close(): Promise<void>;
}

export interface IntakeStoreConfig {
  readonly databaseUrl?: string | undefined;
  readonly databaseSchema?: string | undefined;
  readonly dataDir: string;
}

export function createIntakeStore(config: IntakeStoreConfig): IntakeStore {
  if (config.databaseUrl !== undefined)
    return new PostgresIntakeStore(config.databaseUrl, config.databaseSchema ?? 'kierto');
  return new SqliteIntakeStore(join(config.dataDir, 'access.sqlite'));
}

interface JobRow {
  id: string;
  organisation_id: string;
  state: string;
  body: string;
}

const UNFINISHED: readonly IntakeJobState[] = ['queued', 'running'];

function jobOf(row: JobRow): IntakeJob {
  return JSON.parse(row.body) as IntakeJob;
}

/** Error cells are kept as JSON: a date cell comes back as its ISO text, as the report writes it. */
function errorsOf(text: string | null): IntakeRowError[] {
  return text === null ? [] : (JSON.parse(text) as IntakeRowError[]);
}

export class SqliteIntakeStore implements IntakeStore {
  private db: Database.Database | null = null;

  constructor(private readonly file: string) {}

  init(): Promise<void> {
    if (this.file !== ':memory:') mkdirSync(dirname(this.file), { recursive: true });
    const db = new Database(this.file);
    db.pragma('busy_timeout = 10000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS intake_mappings (
        organisation_id TEXT NOT NULL, name TEXT NOT NULL, mapping TEXT NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (organisation_id, name)) STRICT;
      CREATE TABLE IF NOT EXISTS intake_jobs (
        id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL,
        errors TEXT) STRICT;
    `);
    this.db = db;
    return Promise.resolve();
  }

  putMapping(organisationId: string, name: string, mapping: ColumnMapping, at: string): Promise<void> {
    this.open()
      .prepare(
        `INSERT INTO intake_mappings (organisation_id, name, mapping, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (organisation_id, name) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at`,
      )
      .run(organisationId, name, JSON.stringify(mapping), at);
    return Promise.resolve();
  }

  getMapping(organisationId: string, name: string): Promise<SavedMapping | null> {
    const row = this.open()
      .prepare<[string, string], { name: string; mapping: string; updated_at: string }>(
        'SELECT name, mapping, updated_at FROM intake_mappings WHERE organisation_id = ? AND name = ?',
      )
      .get(organisationId, name);
    return Promise.resolve(
      row === undefined
        ? null
        : { name: row.name, mapping: JSON.parse(row.mapping) as ColumnMapping, updatedAt: row.updated_at },
    );
  }

  saveJob(job: IntakeJob): Promise<void> {
    this.open()
      .prepare(
        `INSERT INTO intake_jobs (id, organisation_id, state, body) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, body = excluded.body`,
      )
      .run(job.id, job.organisationId, job.state, JSON.stringify(job));
    return Promise.resolve();
  }

  getJob(organisationId: string, id: string): Promise<IntakeJob | null> {
    const row = this.open()
      .prepare<[string, string], JobRow>('SELECT * FROM intake_jobs WHERE id = ? AND organisation_id = ?')
      .get(id, organisationId);
    return Promise.resolve(row === undefined ? null : jobOf(row));
  }

  saveJobErrors(id: string, errors: readonly IntakeRowError[]): Promise<void> {
    this.open().prepare('UPDATE intake_jobs SET errors = ? WHERE id = ?').run(JSON.stringify(errors), id);
    return Promise.resolve();
  }

  getJobErrors(id: string): Promise<IntakeRowError[]> {
    const row = this.open()
      .prepare<[string], { errors: string | null }>('SELECT errors FROM intake_jobs WHERE id = ?')
      .get(id);
    return Promise.resolve(errorsOf(row?.errors ?? null));
  }

  failUnfinished(failure: string, at: string): Promise<number> {
    const db = this.open();
    const rows = db
      .prepare<[], JobRow>(`SELECT * FROM intake_jobs WHERE state IN (${UNFINISHED.map(() => '?').join(', ')})`)
      .all(...(UNFINISHED as []));
    for (const row of rows) {
      const job: IntakeJob = { ...jobOf(row), state: 'failed', failure, finishedAt: at };
      db.prepare('UPDATE intake_jobs SET state = ?, body = ? WHERE id = ?').run('failed', JSON.stringify(job), job.id);
    }
    return Promise.resolve(rows.length);
  }

  close(): Promise<void> {
    this.db?.close();
    this.db = null;
    return Promise.resolve();
  }

  private open(): Database.Database {
    if (this.db === null) throw new Error('SqliteIntakeStore used before init() or after close()');
    return this.db;
  }
}

export class PostgresIntakeStore implements IntakeStore {
  private readonly pool: pg.Pool;
  private readonly mappings: string;
  private readonly jobs: string;
  private readonly schema: string;

  constructor(connectionString: string, schema: string) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name ${schema}`);
    this.pool = new pg.Pool({ connectionString, max: 2 });
    this.schema = schema;
    this.mappings = `"${schema}".intake_mappings`;
    this.jobs = `"${schema}".intake_jobs`;
  }

  async init(): Promise<void> {
    await this.pool.query(`
      CREATE SCHEMA IF NOT EXISTS "${this.schema}";
      CREATE TABLE IF NOT EXISTS ${this.mappings} (
        organisation_id TEXT NOT NULL, name TEXT NOT NULL, mapping JSONB NOT NULL, updated_at TEXT NOT NULL,
        PRIMARY KEY (organisation_id, name));
      CREATE TABLE IF NOT EXISTS ${this.jobs} (
        id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL, errors TEXT);
    `);
  }

  async putMapping(organisationId: string, name: string, mapping: ColumnMapping, at: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.mappings} (organisation_id, name, mapping, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (organisation_id, name) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at`,
      [organisationId, name, JSON.stringify(mapping), at],
    );
  }

  async getMapping(organisationId: string, name: string): Promise<SavedMapping | null> {
    const { rows } = await this.pool.query<{ name: string; mapping: ColumnMapping; updated_at: string }>(
      `SELECT name, mapping, updated_at FROM ${this.mappings} WHERE organisation_id = $1 AND name = $2`,
      [organisationId, name],
    );
    const row = rows[0];
    return row === undefined ? null : { name: row.name, mapping: row.mapping, updatedAt: row.updated_at };
  }

  async saveJob(job: IntakeJob): Promise<void> {
    await this.pool.query(
      `INSERT INTO ${this.jobs} (id, organisation_id, state, body) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET state = excluded.state, body = excluded.body`,
      [job.id, job.organisationId, job.state, JSON.stringify(job)],
    );
  }

  async getJob(organisationId: string, id: string): Promise<IntakeJob | null> {
    const { rows } = await this.pool.query<JobRow>(
      `SELECT * FROM ${this.jobs} WHERE id = $1 AND organisation_id = $2`,
      [id, organisationId],
    );
    return rows[0] === undefined ? null : jobOf(rows[0]);
  }

  async saveJobErrors(id: string, errors: readonly IntakeRowError[]): Promise<void> {
    await this.pool.query(`UPDATE ${this.jobs} SET errors = $1 WHERE id = $2`, [JSON.stringify(errors), id]);
  }

  async getJobErrors(id: string): Promise<IntakeRowError[]> {
    const { rows } = await this.pool.query<{ errors: string | null }>(`SELECT errors FROM ${this.jobs} WHERE id = $1`, [
      id,
    ]);
    return errorsOf(rows[0]?.errors ?? null);
  }

  async failUnfinished(failure: string, at: string): Promise<number> {
    const { rows } = await this.pool.query<JobRow>(`SELECT * FROM ${this.jobs} WHERE state = ANY($1)`, [UNFINISHED]);
    for (const row of rows) {
      const job: IntakeJob = { ...jobOf(row), state: 'failed', failure, finishedAt: at };
      await this.pool.query(`UPDATE ${this.jobs} SET state = 'failed', body = $1 WHERE id = $2`, [
        JSON.stringify(job),
        job.id,
      ]);
    }
    return rows.length;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
