import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { example, LAPTOP_ID, startTestApp } from '../../../../test/support/test-app.js';
import { cli } from './testing/audit-cli.js';

describe('kierto drift', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kierto-drift-'));
  const env = { KIERTO_DATA_DIR: dataDir };
  beforeAll(async () => {
    const app = await startTestApp({ dataDir });
    await app.api.post('/devices').send(example('place-laptop-on-market')).expect(201);
    await app.api.post(`/devices/${LAPTOP_ID}/collections`).send(example('collect-laptop')).expect(201);
    await app.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('finds no drift when the stored read models equal a recomputation from the events', async () => {
    const run = await cli(['drift'], env);
    expect(run.err).toBe('');
    expect(run.out).toMatch(/^no drift: .* up to position 2$/);
    expect(run.code).toBe(0);
  });

  it('names the table whose stored rows differ from the recomputation, and exits 1', async () => {
    const db = new Database(join(dataDir, 'projections.sqlite'));
    try {
      db.prepare(`UPDATE passports SET document = json_set(document, '$.lives', 7)`).run();
    } finally {
      db.close();
    }
    const run = await cli(['drift', '--json'], env);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.out);
    expect(report).toMatchObject({ ok: false, position: 2, differences: [{ table: 'passports', firstDifference: 0 }] });
  });
});
