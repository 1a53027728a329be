import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { keyIdOf, readPrivateKey, readPublicKey } from '#kierto/audit';
import { cli, workspace, type Workspace } from './testing/audit-cli.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.cleanup());

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('kierto keygen', () => {
  it('writes the private key readable by its owner only and the public key next to it', async () => {
    const key = ws.path('keys/signing.pem');
    const run = await cli(['keygen', '--out', key], ws.env);
    expect(run.code).toBe(0);
    const privateKey = readPrivateKey(readFileSync(key, 'utf8'), key);
    const publicKey = readPublicKey(readFileSync(`${key}.pub`, 'utf8'), `${key}.pub`);
    expect(keyIdOf(privateKey)).toBe(keyIdOf(publicKey));
    expect(run.out).toContain(`key ${keyIdOf(publicKey)}`);
    expect(run.out).toContain('KIERTO_SIGNING_KEY_FILE=');
    expect(mode(key)).toBe(0o600);
    expect(readFileSync(`${key}.pub`, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('refuses to overwrite a key pair without --force, and replaces it (owner-only again) with it', async () => {
    const key = ws.path('signing.pem');
    expect((await cli(['keygen', '--out', key], ws.env)).code).toBe(0);
    const first = readFileSync(key, 'utf8');
    const refused = await cli(['keygen', '--out', key], ws.env);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`${key} already exists; pass --force`);
    expect(readFileSync(key, 'utf8')).toBe(first);

    writeFileSync(key, first, { mode: 0o644 });
    const forced = await cli(['keygen', '--out', key, '--force'], ws.env);
    expect(forced.code).toBe(0);
    expect(readFileSync(key, 'utf8')).not.toBe(first);
    expect(mode(key)).toBe(0o600);
  });

  it('refuses when only the public half exists, too', async () => {
    const key = ws.path('signing.pem');
    writeFileSync(`${key}.pub`, 'someone else');
    const run = await cli(['keygen', '--out', key], ws.env);
    expect(run.code).toBe(1);
    expect(run.err).toContain('.pub already exists');
  });

  it('needs --out', async () => {
    const run = await cli(['keygen'], ws.env);
    expect(run.code).toBe(2);
    expect(run.err).toContain('--out <file> is required');
  });
});
