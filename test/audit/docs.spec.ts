/**
 * The worked examples of docs/hash-chain.md and docs/audit.md, read from the markdown and checked
 * against the code and the standard tools they name, so the docs cannot drift from what Kierto does.
 * Tool-based checks run where the tools are installed (sha256sum, openssl, jq, python3).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  createCheckpoint,
  exportDeviceBundle,
  generateSigningKeyPair,
  readPrivateKey,
  serializeBundle,
  serializeCheckpoint,
} from '#kierto/audit';
import { canonicalJson } from '#kierto/event-store';
import { GENESIS_HASH, hashEvent, type UnhashedEvent } from '#kierto/event-store';
import type { JsonValue } from '#kierto/event-store';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { newEvent } from '#kierto/event-store/testing';

function read(doc: string): string {
  return readFileSync(new URL(`../../docs/${doc}`, import.meta.url), 'utf8');
}

/** The fenced block right after `<!-- example:name -->`. */
function block(markdown: string, name: string): string {
  const match = new RegExp(`<!-- example:${name} -->\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n\`\`\``).exec(markdown);
  if (match?.[1] === undefined) throw new Error(`no example:${name} block`);
  return match[1];
}

function hasTools(...tools: string[]): boolean {
  return spawnSync('sh', ['-c', `command -v ${tools.join(' ')}`], { stdio: 'ignore' }).status === 0;
}

const HASHED_MEMBERS = [
  'actor',
  'causationId',
  'correlationId',
  'data',
  'eventId',
  'globalPosition',
  'metadata',
  'occurredAt',
  'prevHash',
  'recordedAt',
  'schemaVersion',
  'streamId',
  'streamRevision',
  'type',
];

describe('docs/hash-chain.md', () => {
  const doc = read('hash-chain.md');
  const events = [1, 2].map((n) => JSON.parse(block(doc, `event-${n}`)) as UnhashedEvent);

  it.each([1, 2])('event %i: the canonical JSON and the hash are what the code computes', (n) => {
    const event = events[n - 1] as UnhashedEvent;
    expect(Object.keys(event).sort()).toEqual(HASHED_MEMBERS);
    const canonical = block(doc, `canonical-${n}`);
    expect(canonicalJson(event as unknown as JsonValue)).toBe(canonical);
    const hash = block(doc, `hash-${n}`);
    expect(hashEvent(event)).toBe(hash);
    expect(createHash('sha256').update(canonical, 'utf8').digest('hex')).toBe(hash);
  });

  it('chains: the first starts from the 64 zeros, the second from the first', () => {
    expect(events[0]?.prevHash).toBe(GENESIS_HASH);
    expect(events[1]?.prevHash).toBe(block(doc, 'hash-1'));
    expect(doc).toContain(GENESIS_HASH);
  });

  (hasTools('sha256sum') ? it : it.skip)('the shell recomputation prints the hash', () => {
    const output = execFileSync('sh', ['-c', block(doc, 'shell')], { encoding: 'utf8' });
    expect(output).toBe(`${block(doc, 'hash-2')}  -\n`);
    expect(doc).toContain(`prints \`${block(doc, 'hash-2')}  -\``);
  });
});

describe('docs/audit.md', () => {
  const doc = read('audit.md');
  let dir: string;
  let bundlePath: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kierto-audit-docs-'));
    const keys = generateSigningKeyPair();
    writeFileSync(join(dir, 'signing.pem.pub'), keys.publicKeyPem);
    const store = new SqliteEventStore({ file: ':memory:' });
    await store.init();
    for (let i = 0; i < 9; i += 1) {
      await store.append(
        `gtin:09506000134352:LAP-000${i % 3}`,
        [newEvent({ data: { city: 'Jyväskylä', weightKg: 2.5, i } })],
        'any',
      );
    }
    const outcome = await createCheckpoint(store, readPrivateKey(keys.privateKeyPem, 'k'));
    if (!outcome.ok) throw new Error(outcome.detail);
    writeFileSync(join(dir, 'checkpoint.json'), serializeCheckpoint(outcome.checkpoint));
    const { bundle } = await exportDeviceBundle(store, 'gtin:09506000134352:LAP-0001', outcome.checkpoint);
    bundlePath = join(dir, 'laptop.json');
    writeFileSync(bundlePath, serializeBundle(bundle));
    await store.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  (hasTools('openssl', 'jq', 'base64', 'sha256sum') ? it : it.skip)(
    'the OpenSSL commands verify a checkpoint and print its key id',
    () => {
      const output = execFileSync('sh', ['-ec', block(doc, 'openssl')], { cwd: dir, encoding: 'utf8' });
      const checkpoint = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'));
      expect(output).toBe(`Signature Verified Successfully\n${checkpoint.keyId}\n`);
    },
  );

  (hasTools('python3') ? it : it.skip)('the Python check accepts an exported bundle and refuses an edited one', () => {
    const script = join(dir, 'check.py');
    writeFileSync(script, block(doc, 'python'));
    expect(execFileSync('python3', [script, bundlePath], { encoding: 'utf8' })).toBe(
      '3 events: hashes and inclusion proofs OK\n',
    );
    const edited = join(dir, 'edited.json');
    writeFileSync(edited, readFileSync(bundlePath, 'utf8').replace('"i": 4', '"i": 5'));
    const run = spawnSync('python3', [script, edited], { encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('event 1: hash');
  });
});
