/**
 * The deployment's Ed25519 signing key (docs/interop.md, "Signing key"): it signs the credentials
 * Kierto issues (and later other certificates). From KIERTO_SIGNING_KEY_FILE when set, read at start
 * so that a wrong file stops the API at once; otherwise kept under KIERTO_DATA_DIR, made on first use.
 */
import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { generateSigningKeyPair, keyIdOf, readPrivateKey } from '#kierto/audit';
import type { ApiConfig } from '../config.js';
import { ConfigError } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';

/** The file under KIERTO_DATA_DIR holding the key made on first use (PKCS#8 PEM, mode 0600). */
export const DATA_DIR_KEY_FILE = 'signing-key.pem';

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** keyIdOf(public key): 16 hex digits of SHA-256 over its DER, as checkpoints name keys. */
  readonly keyId: string;
}

function signingKeyOf(privateKey: KeyObject): SigningKey {
  return { privateKey, publicKey: createPublicKey(privateKey), keyId: keyIdOf(privateKey) };
}

/** The key in `path`, or, when there is none yet, a new one written there with mode 0600. */
export function loadOrCreateKey(path: string): SigningKey {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const created = generateSigningKeyPair();
    try {
      // 'wx' fails if another process made the file since the read: then that key is the one.
      writeFileSync(path, created.privateKeyPem, { mode: 0o600, flag: 'wx' });
      chmodSync(path, 0o600);
      pem = created.privateKeyPem;
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
      pem = readFileSync(path, 'utf8');
    }
  }
  return signingKeyOf(readPrivateKey(pem, path));
}

@Injectable()
export class SigningKeys implements OnModuleInit {
  private key: SigningKey | null = null;

  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  onModuleInit(): void {
    const file = this.config.signingKeyFile;
    if (file === null) return;
    let pem: string;
    try {
      pem = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`KIERTO_SIGNING_KEY_FILE ${file} cannot be read: ${(error as Error).message}`);
    }
    try {
      this.key = signingKeyOf(readPrivateKey(pem, file));
    } catch (error) {
      throw new ConfigError(`KIERTO_SIGNING_KEY_FILE: ${(error as Error).message}`);
    }
  }

  /** The deployment's key: the configured one, else the one under the data folder (made now if need be). */
  current(): SigningKey {
    if (this.key === null) {
      mkdirSync(this.config.dataDir, { recursive: true });
      this.key = loadOrCreateKey(join(this.config.dataDir, DATA_DIR_KEY_FILE));
    }
    return this.key;
  }
}
