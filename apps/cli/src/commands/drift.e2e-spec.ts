import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { decodePassport, encodePassport } from '#kierto/projections';
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
      // Passports are stored deflated (ADR 0031): change one field of the decoded document.
      const row = db.prepare('SELECT device_id AS id, document FROM passports').get() as {
        id: string;
        document: Buffer;
      };
      const changed = { ...decodePassport<Record<string, unknown>>(row.document), lives: 7 };
      db.prepare('UPDATE passports SET document = ? WHERE device_id = ?').run(encodePassport(changed), row.id);
    } finally {
      db.close();
    }
    const run = await cli(['drift', '--json'], env);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.out);
    expect(report).toMatchObject({ ok: false, position: 2, differences: [{ table: 'passports', firstDifference: 0 }] });
  });
});
