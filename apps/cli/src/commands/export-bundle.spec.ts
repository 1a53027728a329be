import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { newEvent } from '#kierto/event-store/testing';
import { LAPTOP, cli, workspace, type Workspace } from './testing/audit-cli.js';

let ws: Workspace;
let key: string;
beforeEach(async () => {
  ws = await workspace();
  key = ws.path('signing.pem');
  expect((await cli(['keygen', '--out', key], ws.env)).code).toBe(0);
});
afterEach(() => ws.cleanup());

describe('kierto export-bundle and verify-bundle', () => {
  it('exports with a checkpoint signed now, and verifies the file without the database', async () => {
    const bundle = ws.path('laptop.json');
    const exported = await cli(['export-bundle', '--device', LAPTOP, '--out', bundle, '--key', key], ws.env);
    expect(exported.code).toBe(0);
    expect(exported.out).toMatch(
      /^3 events of gtin:09506000134352:LAP-0001, proven against the checkpoint at position 6 \(key [0-9a-f]{16}\)/,
    );
    // Offline: no store configured at all.
    const offline = { KIERTO_DATA_DIR: ws.path('no-store-here') };
    const verified = await cli(['verify-bundle', bundle, '--public-key', `${key}.pub`], offline);
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(
      /^verified: 3 events of gtin:09506000134352:LAP-0001, each at its position in the history signed at position 6/,
    );
    const json = await cli(['verify-bundle', bundle, '--public-key', `${key}.pub`, '--json'], offline);
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, events: 3 });
  });

  it('exports against a saved checkpoint, leaving out (and counting) later events', async () => {
    const checkpoint = ws.path('cp.json');
    await cli(['checkpoint', '--key', key, '--out', checkpoint], ws.env);
    const store = new SqliteEventStore({ file: ws.path('kierto.sqlite') });
    await store.init();
    await store.append(LAPTOP, [newEvent({ type: 'DeviceResold' })], 2);
    await store.close();
    const run = await cli(
      ['export-bundle', '--device', LAPTOP, '--out', ws.path('b.json'), '--checkpoint', checkpoint],
      ws.env,
    );
    expect(run.code).toBe(0);
    expect(run.err).toContain('1 later events of gtin:09506000134352:LAP-0001 are after the checkpoint');
    expect((await cli(['verify-bundle', ws.path('b.json'), '--public-key', `${key}.pub`], ws.env)).code).toBe(0);
  });

  it('fails a bundle with a changed byte, a foreign key, or malformed JSON, saying why', async () => {
    const bundle = ws.path('laptop.json');
    await cli(['export-bundle', '--device', LAPTOP, '--out', bundle, '--key', key], ws.env);
    const text = readFileSync(bundle, 'utf8');
    writeFileSync(ws.path('edited.json'), text.replace('"result": "passed"', '"result": "pas5ed"'));
    const edited = await cli(['verify-bundle', ws.path('edited.json'), '--public-key', `${key}.pub`], ws.env);
    expect(edited.code).toBe(1);
    expect(edited.out).toMatch(/^FAILED \(event 2\), hash-mismatch: /);

    await cli(['keygen', '--out', ws.path('other.pem')], ws.env);
    const foreign = await cli(['verify-bundle', bundle, '--public-key', ws.path('other.pem.pub')], ws.env);
    expect(foreign.code).toBe(1);
    expect(foreign.out).toMatch(/^FAILED, checkpoint-signature: /);

    writeFileSync(ws.path('cut.json'), text.slice(0, 200));
    const cut = await cli(['verify-bundle', ws.path('cut.json'), '--public-key', `${key}.pub`], ws.env);
    expect(cut.code).toBe(1);
    expect(cut.out).toMatch(/^FAILED, malformed: The bundle is not valid JSON/);
  });

  it('explains unusable calls and inputs', async () => {
    const cases: Array<{ args: string[]; env?: NodeJS.ProcessEnv; code: number; message: string | RegExp }> = [
      {
        args: ['export-bundle', '--device', 'gtin:09506000134352:NOPE', '--out', ws.path('x.json'), '--key', key],
        code: 1,
        message: 'No device gtin:09506000134352:NOPE is stored',
      },
      {
        args: ['export-bundle', '--device', 'laptop 1', '--out', ws.path('x.json'), '--key', key],
        code: 2,
        message: 'laptop 1 is not a Kierto device id',
      },
      {
        args: ['export-bundle', '--out', ws.path('x.json'), '--key', key],
        code: 2,
        message: '--device <deviceId> is required',
      },
      { args: ['export-bundle', '--device', LAPTOP, '--key', key], code: 2, message: '--out <file> is required' },
      { args: ['export-bundle', '--device', LAPTOP, '--out', ws.path('x.json')], code: 2, message: 'no signing key' },
      {
        args: [
          'export-bundle',
          '--device',
          LAPTOP,
          '--out',
          ws.path('x.json'),
          '--key',
          key,
          '--checkpoint',
          ws.path('cp.json'),
        ],
        code: 2,
        message: 'not both',
      },
      {
        args: [
          'export-bundle',
          '--device',
          LAPTOP,
          '--out',
          ws.path('x.json'),
          '--checkpoint',
          ws.path('missing.json'),
        ],
        code: 1,
        message: /cannot read checkpoint .*missing\.json: no such file/,
      },
      {
        args: ['verify-bundle', ws.path('missing.json'), '--public-key', `${key}.pub`],
        code: 1,
        message: /cannot read bundle .*missing\.json: no such file/,
      },
      { args: ['verify-bundle', ws.path('x.json')], code: 2, message: '--public-key <file> is required' },
      { args: ['verify-bundle', '--public-key', `${key}.pub`], code: 2, message: 'the bundle file is required' },
      {
        args: ['verify-bundle', ws.path('x.json'), '--public-key', ws.path('missing.pub')],
        code: 1,
        message: /cannot read public key/,
      },
    ];
    for (const { args, env, code, message } of cases) {
      const run = await cli(args, env ?? ws.env);
      expect({ args, code: run.code }).toEqual({ args, code });
      expect(run.err).toMatch(message);
    }
  });

  it('exports nothing from a store that does not verify', async () => {
    ws.sql(`UPDATE events SET recorded_at = '2000-01-01T00:00:00.000Z' WHERE global_position = 3`);
    const run = await cli(['export-bundle', '--device', LAPTOP, '--out', ws.path('x.json'), '--key', key], ws.env);
    expect(run.code).toBe(1);
    expect(run.err).toContain('not exported: BROKEN at position 3 (hash-mismatch)');
  });
});
