/**
 * `kierto backup --to FILE` and `kierto restore --from FILE` for the embedded store
 * (docs/operations.md, "Backup and restore"). PostgreSQL is backed up with its own tools
 * (pg_dump, PITR), documented there.
 *
 * The backup is online: each SQLite database of KIERTO_DATA_DIR is copied with SQLite's backup API
 * (better-sqlite3 `db.backup()`), which takes a consistent snapshot while the API keeps writing.
 * The read models are copied first and the event store last, so the copy's read models never stand
 * beyond its log: after a restore the projector only catches up. The other files of the folder (the
 * local admin key, the deployment's signing key) are copied as they are. Everything goes into one
 * file, itself a SQLite database (a `files` table: name, bytes, SHA-256), written 0600: it holds
 * keys.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { UsageError, parseOptions, type CliCommand } from '../cli-command.js';

/** The order of the databases in a backup: read models before the log they follow (see above). */
const DATABASES = ['projections.sqlite', 'access.sqlite', 'kierto.sqlite'] as const;
/** SQLite's side files: never copied (the backup API folds the WAL in), removed before a restore. */
const SIDE_FILE = /-(wal|shm|journal)$/;
const FORMAT = 'kierto-backup/1';

/** A backup or restore that cannot be done; printed, exit 1. */
export class BackupError extends Error {}

interface BackedUpFile {
  readonly name: string;
  readonly bytes: Buffer;
}

function dataDirOf(env: NodeJS.ProcessEnv): string {
  if (env['DATABASE_URL'] !== undefined && env['DATABASE_URL'] !== '') {
    throw new BackupError(
      'DATABASE_URL is set: back PostgreSQL up with pg_dump or PITR (docs/operations.md); kierto backup copies the embedded store',
    );
  }
  return env['KIERTO_DATA_DIR'] || './data';
}

/** Copies every file of the data folder; the databases through SQLite's online backup. */
export async function backupDataDir(dataDir: string, to: string): Promise<readonly string[]> {
  if (!existsSync(join(dataDir, 'kierto.sqlite'))) {
    throw new BackupError(`No event store at ${resolve(dataDir, 'kierto.sqlite')}: set KIERTO_DATA_DIR`);
  }
  if (existsSync(to)) throw new BackupError(`${to} exists; choose a new file (a backup never overwrites one)`);
  const scratch = mkdtempSync(join(tmpdir(), 'kierto-backup-'));
  try {
    const files: BackedUpFile[] = [];
    for (const name of DATABASES) {
      const source = join(dataDir, name);
      if (!existsSync(source)) continue;
      const copy = join(scratch, name);
      // Read-write open: a read-only one cannot attach to a WAL database whose -shm is missing.
      const db = new Database(source, { fileMustExist: true });
      try {
        await db.backup(copy);
      } finally {
        db.close();
      }
      files.push({ name, bytes: readFileSync(copy) });
    }
    for (const name of readdirSync(dataDir).sort()) {
      const path = join(dataDir, name);
      if ((DATABASES as readonly string[]).includes(name) || SIDE_FILE.test(name) || !statSync(path).isFile()) continue;
      files.push({ name, bytes: readFileSync(path) });
    }
    writeArchive(to, files);
    return files.map((file) => file.name);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function writeArchive(to: string, files: readonly BackedUpFile[]): void {
  const partial = `${to}.partial`;
  rmSync(partial, { force: true });
  // Created 0600 before anything is written into it: it will hold keys.
  writeFileSync(partial, '', { mode: 0o600 });
  const archive = new Database(partial);
  try {
    archive.exec(`CREATE TABLE manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
      CREATE TABLE files (name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, bytes BLOB NOT NULL) STRICT;`);
    const insert = archive.prepare('INSERT INTO files (name, sha256, bytes) VALUES (?, ?, ?)');
    archive.transaction(() => {
      archive
        .prepare('INSERT INTO manifest (key, value) VALUES (?, ?), (?, ?)')
        .run('format', FORMAT, 'createdAt', new Date().toISOString());
      for (const file of files) insert.run(file.name, sha256(file.bytes), file.bytes);
    })();
  } finally {
    archive.close();
  }
  renameSync(partial, to);
  chmodSync(to, 0o600);
}

/** Reads and checks a backup: its format, each file's hash, names that stay inside the folder. */
function readArchive(from: string): BackedUpFile[] {
  if (!existsSync(from)) throw new BackupError(`No backup at ${resolve(from)}`);
  let archive: Database.Database;
  try {
    archive = new Database(from, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new BackupError(`${from} is not a Kierto backup: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    let format: string | undefined;
    let rows: { name: string; sha256: string; bytes: Buffer }[];
    try {
      format = archive.prepare<[], { value: string }>("SELECT value FROM manifest WHERE key = 'format'").get()?.value;
      rows = archive
        .prepare<[], { name: string; sha256: string; bytes: Buffer }>('SELECT * FROM files ORDER BY name')
        .all();
    } catch {
      throw new BackupError(`${from} is not a Kierto backup (no manifest or files table)`);
    }
    if (format !== FORMAT) throw new BackupError(`${from} is not a ${FORMAT} backup (format ${format ?? 'missing'})`);
    if (!rows.some((row) => row.name === 'kierto.sqlite')) throw new BackupError(`${from} holds no event store`);
    for (const row of rows) {
      if (row.name !== basename(row.name) || row.name.startsWith('.') || SIDE_FILE.test(row.name)) {
        throw new BackupError(`${from} names a file ${JSON.stringify(row.name)} outside the data folder`);
      }
      if (sha256(row.bytes) !== row.sha256) throw new BackupError(`${from}: ${row.name} is damaged (SHA-256 differs)`);
    }
    return rows.map((row) => ({ name: row.name, bytes: row.bytes }));
  } finally {
    archive.close();
  }
}

/**
 * Writes a backup's files into the data folder. An empty (or missing) folder only, unless `force`:
 * then each file of the backup replaces its namesake, and the SQLite side files of the replaced
 * databases are removed (a stale WAL would be replayed onto the restored database). Stop the API first.
 */
export function restoreDataDir(from: string, dataDir: string, force: boolean): readonly string[] {
  const files = readArchive(from);
  mkdirSync(dataDir, { recursive: true });
  const present = readdirSync(dataDir);
  if (present.length > 0 && !force) {
    throw new BackupError(
      `${resolve(dataDir)} is not empty (${present.slice(0, 5).join(', ')}${present.length > 5 ? ', …' : ''}); ` +
        'restore into an empty folder, or pass --force to replace its files (stop the API first)',
    );
  }
  for (const file of files) {
    const target = join(dataDir, file.name);
    for (const side of ['-wal', '-shm', '-journal']) rmSync(`${target}${side}`, { force: true });
    const partial = join(dirname(target), `.${file.name}.restoring`);
    writeFileSync(partial, file.bytes, { mode: 0o600 });
    renameSync(partial, target);
  }
  return files.map((file) => file.name);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export const backupCommand: CliCommand = {
  name: 'backup',
  summary: 'copy the embedded store, read models and keys of KIERTO_DATA_DIR into one file, online',
  usage: '--to <file>',
  async run(args, io) {
    const { options, rest } = parseOptions(args, ['to']);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0] ?? ''}`);
    const to = options.get('to');
    if (to === undefined) throw new UsageError('--to <file> is required');
    try {
      const names = await backupDataDir(dataDirOf(io.env), to);
      io.out(`backed up ${names.join(', ')} to ${to} (mode 0600: it holds keys)`);
      return 0;
    } catch (error) {
      if (!(error instanceof BackupError)) throw error;
      io.err(error.message);
      return 1;
    }
  },
};

export const restoreCommand: CliCommand = {
  name: 'restore',
  summary: 'write a backup into KIERTO_DATA_DIR (empty, or --force to replace); stop the API first',
  usage: '--from <file> [--force]',
  run(args, io) {
    const { options, flags, rest } = parseOptions(args, ['from'], ['force']);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0] ?? ''}`);
    const from = options.get('from');
    if (from === undefined) throw new UsageError('--from <file> is required');
    try {
      const dataDir = dataDirOf(io.env);
      const names = restoreDataDir(from, dataDir, flags.has('force'));
      io.out(`restored ${names.join(', ')} into ${dataDir}; check with kierto verify and kierto drift`);
      return Promise.resolve(0);
    } catch (error) {
      if (!(error instanceof BackupError)) throw error;
      io.err(error.message);
      return Promise.resolve(1);
    }
  },
};
