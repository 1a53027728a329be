import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { example, LAPTOP_ID, startTestApp, type TestApp } from '../../../../test/support/test-app.js';
import { cli } from './testing/audit-cli.js';

describe('kierto backup and kierto restore (embedded store)', () => {
  const root = mkdtempSync(join(tmpdir(), 'kierto-backup-'));
  const dataDir = join(root, 'data');
  const restored = join(root, 'restored');
  const backup = join(root, 'kierto.backup');
  const key = join(root, 'checkpoint.key');
  const checkpoint = join(root, 'checkpoint.json');
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ dataDir });
    await app.api.post('/devices').send(example('place-laptop-on-market')).expect(201);
    await app.api.post(`/devices/${LAPTOP_ID}/collections`).send(example('collect-laptop')).expect(201);
    await app.api.get(`/passports/${LAPTOP_ID}`).query({ minPosition: 2 }).expect(200);
    expect((await cli(['keygen', '--out', key], { KIERTO_DATA_DIR: dataDir })).code).toBe(0);
    expect((await cli(['checkpoint', '--key', key, '--out', checkpoint], { KIERTO_DATA_DIR: dataDir })).code).toBe(0);
  });
  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('backs up online, while the API runs, into one file readable by its owner only', async () => {
    const run = await cli(['backup', '--to', backup], { KIERTO_DATA_DIR: dataDir });
    expect(run.err).toBe('');
    expect(run.out).toMatch(/^backed up projections\.sqlite, access\.sqlite, kierto\.sqlite/);
    expect(run.code).toBe(0);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    // The API goes on writing after the backup: the copy is of the moment it was taken.
    await app.api.post(`/devices/${LAPTOP_ID}/data-wipes`).send(example('wipe-laptop')).expect(201);
  });

  it('restores into an empty folder; verify passes against the signed checkpoint and drift finds nothing', async () => {
    const env = { KIERTO_DATA_DIR: restored };
    const run = await cli(['restore', '--from', backup], env);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(readdirSync(restored)).toEqual(
      expect.arrayContaining(['kierto.sqlite', 'projections.sqlite', 'access.sqlite']),
    );
    const verify = await cli(['verify', '--checkpoint', checkpoint, '--public-key', `${key}.pub`, '--json'], env);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.out)).toMatchObject({ ok: true, events: 2 });
    const drift = await cli(['drift', '--json'], env);
    expect(JSON.parse(drift.out)).toEqual({ ok: true, position: 2, differences: [] });
    expect(drift.code).toBe(0);
  });

  it('refuses to overwrite a folder that is not empty without --force, and replaces it with --force', async () => {
    const target = join(root, 'busy');
    const first = await cli(['restore', '--from', backup], { KIERTO_DATA_DIR: target });
    expect(first.code).toBe(0);
    // Later events in the target (and a WAL file) that the restore must drop.
    const db = new Database(join(target, 'kierto.sqlite'));
    db.exec('DELETE FROM events WHERE global_position = 2');
    db.close();
    writeFileSync(join(target, 'kierto.sqlite-wal'), 'stale');
    const refused = await cli(['restore', '--from', backup], { KIERTO_DATA_DIR: target });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/is not empty \(.*kierto\.sqlite.*\); restore into an empty folder, or pass --force/);
    const forced = await cli(['restore', '--from', backup, '--force'], { KIERTO_DATA_DIR: target });
    expect(forced.err).toBe('');
    expect(forced.code).toBe(0);
    expect(existsSync(join(target, 'kierto.sqlite-wal'))).toBe(false);
    expect(
      (await cli(['verify', '--checkpoint', checkpoint, '--public-key', `${key}.pub`], { KIERTO_DATA_DIR: target }))
        .code,
    ).toBe(0);
  });

  it.each([
    [['backup'], 2, /--to <file> is required/],
    [['restore'], 2, /--from <file> is required/],
  ])('kierto %j is a usage error', async (args, code, message) => {
    const run = await cli(args, { KIERTO_DATA_DIR: dataDir });
    expect(run.code).toBe(code);
    expect(run.err).toMatch(message);
  });

  it('refuses what it cannot do, saying why', async () => {
    const empty = join(root, 'nothing-here');
    const noStore = await cli(['backup', '--to', join(root, 'x.backup')], { KIERTO_DATA_DIR: empty });
    expect(noStore).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^No event store at .*kierto\.sqlite: set KIERTO_DATA_DIR/),
    });
    const exists = await cli(['backup', '--to', backup], { KIERTO_DATA_DIR: dataDir });
    expect(exists).toMatchObject({ code: 1, err: expect.stringMatching(/exists; choose a new file/) });
    const postgres = await cli(['backup', '--to', join(root, 'pg.backup')], {
      KIERTO_DATA_DIR: dataDir,
      DATABASE_URL: 'postgresql://x@127.0.0.1/db',
    });
    expect(postgres).toMatchObject({ code: 1, err: expect.stringMatching(/pg_dump or PITR/) });
    const missing = await cli(['restore', '--from', join(root, 'missing.backup')], {
      KIERTO_DATA_DIR: join(root, 'r1'),
    });
    expect(missing).toMatchObject({ code: 1, err: expect.stringMatching(/^No backup at /) });
    const notBackup = join(root, 'not-a-backup');
    writeFileSync(notBackup, 'hello');
    const garbage = await cli(['restore', '--from', notBackup], { KIERTO_DATA_DIR: join(root, 'r2') });
    expect(garbage).toMatchObject({ code: 1, err: expect.stringMatching(/is not a Kierto backup/) });
    const damaged = join(root, 'damaged.backup');
    await cli(['backup', '--to', damaged], { KIERTO_DATA_DIR: dataDir });
    const db = new Database(damaged);
    db.prepare("UPDATE files SET bytes = zeroblob(10) WHERE name = 'access.sqlite'").run();
    db.close();
    const broken = await cli(['restore', '--from', damaged], { KIERTO_DATA_DIR: join(root, 'r3') });
    expect(broken).toMatchObject({
      code: 1,
      err: expect.stringMatching(/access\.sqlite is damaged \(SHA-256 differs\)/),
    });
    expect(existsSync(join(root, 'r3', 'kierto.sqlite'))).toBe(false);
  });
});
