import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { generateSigningKeyPair } from '#kierto/audit';
import { ConfigError, loadConfig, type ApiConfig } from '../config.js';
import { DATA_DIR_KEY_FILE, loadOrCreateKey, SigningKeys } from './signing-key.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kierto-signing-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const configWith = (overrides: Partial<ApiConfig>): ApiConfig => ({ ...loadConfig({}), dataDir: dir, ...overrides });

describe('the deployment signing key', () => {
  it('is made on first use under the data folder, owner-only, and the same key afterwards', () => {
    const keys = new SigningKeys(configWith({}));
    keys.onModuleInit();
    const first = keys.current();
    expect(statSync(join(dir, DATA_DIR_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(first.keyId).toMatch(/^[0-9a-f]{16}$/);
    const again = new SigningKeys(configWith({}));
    again.onModuleInit();
    expect(again.current().keyId).toBe(first.keyId);
    expect(loadOrCreateKey(join(dir, DATA_DIR_KEY_FILE)).keyId).toBe(first.keyId);
  });

  it('is the key of KIERTO_SIGNING_KEY_FILE when set, and nothing is written under the data folder', () => {
    const pair = generateSigningKeyPair();
    const file = join(dir, 'configured.pem');
    writeFileSync(file, pair.privateKeyPem);
    const keys = new SigningKeys(configWith({ signingKeyFile: file }));
    keys.onModuleInit();
    expect(keys.current().keyId).toBe(pair.keyId);
    expect(() => statSync(join(dir, DATA_DIR_KEY_FILE))).toThrow(/ENOENT/);
  });

  it('stops the start with a ConfigError for a missing file, a non-key or a key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    writeFileSync(join(dir, 'rsa.pem'), rsa);
    writeFileSync(join(dir, 'text.pem'), 'not a key');
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'missing.pem'), /KIERTO_SIGNING_KEY_FILE .*missing\.pem cannot be read/],
      [join(dir, 'text.pem'), /KIERTO_SIGNING_KEY_FILE: .*text\.pem is not a PEM private key/],
      [join(dir, 'rsa.pem'), /KIERTO_SIGNING_KEY_FILE: .*rsa\.pem is a rsa key/],
    ];
    for (const [file, message] of cases) {
      const keys = new SigningKeys(configWith({ signingKeyFile: file }));
      expect(() => keys.onModuleInit()).toThrow(ConfigError);
      expect(() => keys.onModuleInit()).toThrow(message);
    }
  });
});
