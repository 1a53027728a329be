import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { cli, workspace, type Workspace } from './testing/audit-cli.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.cleanup());

/** keygen + checkpoint into files of the workspace. */
async function signedCheckpoint(): Promise<{ key: string; pub: string; checkpoint: string }> {
  const key = ws.path('signing.pem');
  expect((await cli(['keygen', '--out', key], ws.env)).code).toBe(0);
  const checkpoint = ws.path('checkpoint.json');
  const run = await cli(['checkpoint', '--key', key, '--out', checkpoint], ws.env);
  expect(run.code).toBe(0);
  return { key, pub: `${key}.pub`, checkpoint };
}

describe('kierto verify', () => {
  it('prints one line for an intact store and exits 0', async () => {
    const run = await cli(['verify'], ws.env);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^intact: 6 events, head position 6, head hash [0-9a-f]{64}$/);
  });

  it('says so when the store is empty', async () => {
    ws.sql('DELETE FROM events');
    const run = await cli(['verify'], ws.env);
    expect(run.code).toBe(0);
    expect(run.out).toBe('intact, but the store is empty: no events to verify');
  });

  it('prints the verdict as JSON with --json', async () => {
    const run = await cli(['verify', '--json'], ws.env);
    expect(JSON.parse(run.out)).toEqual({
      ok: true,
      position: 6,
      headHash: expect.any(String),
      events: 6,
      streamLookups: 0,
    });
  });

  it('names the first failing position and exits 1 after the database was edited', async () => {
    ws.sql(`UPDATE events SET data = '{"result":"failed"}' WHERE global_position = 5`);
    ws.sql(`UPDATE events SET actor_role = 'admin' WHERE global_position = 6`);
    const run = await cli(['verify'], ws.env);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/^BROKEN at position 5 \(hash-mismatch\): .* The chain is intact up to position 4\.$/);
    const json = await cli(['verify', '--json'], ws.env);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, position: 5, reason: 'hash-mismatch', verifiedUpTo: 4 });
  });

  it('proves the store extends a signed checkpoint, and catches a cut-off tail against it', async () => {
    const { pub, checkpoint } = await signedCheckpoint();
    const run = await cli(['verify', '--checkpoint', checkpoint, '--public-key', pub], ws.env);
    expect(run.code).toBe(0);
    expect(run.out).toContain('extends the checkpoint at position 6');
    ws.sql('DELETE FROM events WHERE global_position > 4');
    expect((await cli(['verify'], ws.env)).code).toBe(0);
    const cut = await cli(['verify', '--checkpoint', checkpoint, '--public-key', pub, '--json'], ws.env);
    expect(cut.code).toBe(1);
    expect(JSON.parse(cut.out)).toMatchObject({ ok: false, position: 5, reason: 'truncated' });
  });

  it('fails a checkpoint under another key', async () => {
    const { checkpoint } = await signedCheckpoint();
    const other = ws.path('other.pem');
    await cli(['keygen', '--out', other], ws.env);
    const run = await cli(['verify', '--checkpoint', checkpoint, '--public-key', `${other}.pub`], ws.env);
    expect(run.code).toBe(1);
    expect(run.out).toContain('(checkpoint-signature)');
  });

  it('explains unusable inputs: missing store, bad settings, missing or malformed files', async () => {
    const cases: Array<{ args: string[]; env?: NodeJS.ProcessEnv; code: number; message: string | RegExp }> = [
      {
        args: ['verify'],
        env: { KIERTO_DATA_DIR: ws.path('nowhere') },
        code: 1,
        message: /No event store at .*nowhere/,
      },
      { args: ['verify'], env: { DATABASE_URL: 'mysql://x' }, code: 1, message: 'DATABASE_URL must be a postgres://' },
      {
        args: ['verify', '--checkpoint', ws.path('cp.json')],
        code: 2,
        message: '--checkpoint and --public-key go together',
      },
      {
        args: ['verify', '--public-key', ws.path('k.pub')],
        code: 2,
        message: '--checkpoint and --public-key go together',
      },
      {
        args: ['verify', '--checkpoint', ws.path('missing.json'), '--public-key', ws.path('k.pub')],
        code: 1,
        message: /cannot read checkpoint .*missing\.json: no such file/,
      },
      {
        args: ['verify', '--checkpoint', ws.dir, '--public-key', ws.path('k.pub')],
        code: 1,
        message: 'it is a folder',
      },
      {
        args: ['verify', '--checkpoint', ws.path('garbage.json'), '--public-key', ws.path('k.pub')],
        code: 1,
        message: /garbage\.json is not valid JSON/,
      },
      {
        args: ['verify', '--checkpoint', ws.path('cp.json'), '--public-key', ws.path('not-a-key.pub')],
        code: 1,
        message: /not-a-key\.pub is not a PEM public key/,
      },
      {
        args: ['verify', '--checkpoint', ws.path('cp.json'), '--public-key', ws.path('missing.pub')],
        code: 1,
        message: /cannot read public key .*missing\.pub: no such file/,
      },
      { args: ['verify', '--fast'], code: 2, message: 'unknown option --fast' },
      { args: ['verify', 'extra'], code: 2, message: 'unexpected argument extra' },
    ];
    const { checkpoint } = await signedCheckpoint();
    writeFileSync(ws.path('cp.json'), readFileSync(checkpoint));
    writeFileSync(ws.path('garbage.json'), '{"position": 6,');
    writeFileSync(ws.path('not-a-key.pub'), 'hello');
    for (const { args, env, code, message } of cases) {
      const run = await cli(args, env ?? ws.env);
      expect({ args, code: run.code }).toEqual({ args, code });
      expect(run.err).toMatch(message);
    }
  });
});

describe('kierto checkpoint', () => {
  it('prints the signed checkpoint as JSON, with the key from KIERTO_SIGNING_KEY_FILE', async () => {
    const key = ws.path('signing.pem');
    await cli(['keygen', '--out', key], ws.env);
    const run = await cli(['checkpoint'], { ...ws.env, KIERTO_SIGNING_KEY_FILE: key });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toEqual({
      position: 6,
      headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      treeRoot: expect.stringMatching(/^[0-9a-f]{64}$/),
      time: expect.any(String),
      keyId: expect.stringMatching(/^[0-9a-f]{16}$/),
      signature: expect.any(String),
    });
  });

  it('signs nothing for a broken chain', async () => {
    const key = ws.path('signing.pem');
    await cli(['keygen', '--out', key], ws.env);
    ws.sql('DELETE FROM events WHERE global_position = 2');
    const run = await cli(['checkpoint', '--key', key], ws.env);
    expect(run.code).toBe(1);
    expect(run.out).toBe('');
    expect(run.err).toContain('not signed: BROKEN at position 2 (position-gap)');
  });

  it('explains a missing, unreadable or wrong key', async () => {
    const none = await cli(['checkpoint'], ws.env);
    expect(none.code).toBe(2);
    expect(none.err).toContain('no signing key: pass --key <file> or set KIERTO_SIGNING_KEY_FILE');
    const missing = await cli(['checkpoint', '--key', ws.path('missing.pem')], ws.env);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read signing key .*missing\.pem: no such file/);
    writeFileSync(ws.path('bad.pem'), '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    const bad = await cli(['checkpoint', '--key', ws.path('bad.pem')], ws.env);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/bad\.pem is not a PEM private key/);
    await cli(['keygen', '--out', ws.path('k.pem')], ws.env);
    const publicOnly = await cli(['checkpoint', '--key', ws.path('k.pem.pub')], ws.env);
    expect(publicOnly.code).toBe(1);
    expect(publicOnly.err).toMatch(/k\.pem\.pub is not a PEM private key/);
  });
});
