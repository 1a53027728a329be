import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  didWebDocumentUrl,
  parseDidDocument,
  untpValidator,
  verifyCredentialJws,
  type DidDocument,
} from '#kierto/interop';
import { UsageError, parseOptions, type CliCommand } from '../cli-command.js';
import { readText } from './audit-io.js';

/** Where the repository keeps the standards' own files; the default of --schemas. */
const STANDARDS_UNTP = join('test', 'fixtures', 'standards', 'untp');

/** The repository's folder of UNTP schemas: found above this file (sources or dist/), else null. */
function repositorySchemas(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, STANDARDS_UNTP);
    if (existsSync(join(candidate, 'untp-dpp-schema-0.6.0.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function jsonFile(path: string, what: string): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${what} ${path} is not JSON`);
  }
}

/** The issuer's DID document: the file given, else fetched where its did:web says (the one online step). */
async function issuerDocument(jws: string, path: string | undefined): Promise<DidDocument> {
  if (path !== undefined) return parseDidDocument(jsonFile(path, 'DID document'), path);
  const header = jws.split('.')[0] ?? '';
  let kid: unknown;
  try {
    kid = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid?: unknown }).kid;
  } catch {
    throw new Error('the credential is not a compact JWS (header.payload.signature)');
  }
  if (typeof kid !== 'string') throw new Error('the JWS header names no kid: pass --did-document <file>');
  const url = didWebDocumentUrl(kid.split('#')[0] ?? '');
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch the DID document ${url}: HTTP ${response.status}`);
  return parseDidDocument(await response.json(), url);
}

/**
 * `kierto verify-credential <file> [--did-document <file>] [--schemas <folder>]`: checks a UNTP
 * credential as Kierto issues it (application/vc+jwt): the EdDSA signature against the issuer's DID
 * document, the issuer, and the UNTP 0.6.0 schema of its type. Offline with --did-document; without
 * it the did:web document is fetched. Exit 0 when it verifies, 1 when not, 2 usage.
 */
export const verifyCredentialCommand: CliCommand = {
  name: 'verify-credential',
  summary: 'check a UNTP credential (vc+jwt): signature against the DID document, and the UNTP 0.6.0 schema',
  usage: '<credential.jwt> [--did-document <did.json>] [--schemas <folder of untp-*-schema-0.6.0.json>]',
  async run(args, io) {
    const { options, rest } = parseOptions(args, ['did-document', 'schemas']);
    const [path, ...extra] = rest;
    if (path === undefined) throw new UsageError('the credential file is required');
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0] ?? ''}`);
    const schemas = options.get('schemas') ?? repositorySchemas();
    if (schemas === null) throw new UsageError('the UNTP schemas were not found: pass --schemas <folder>');
    const validate = untpValidator({
      dpp: jsonFile(join(schemas, 'untp-dpp-schema-0.6.0.json'), 'schema') as object,
      dte: jsonFile(join(schemas, 'untp-dte-schema-0.6.0.json'), 'schema') as object,
    });
    const jws = readText(path, 'credential').trim();
    const document = await issuerDocument(jws, options.get('did-document'));
    const check = verifyCredentialJws(jws, document);
    if (!check.ok) {
      io.out(`FAILED: ${check.reason}`);
      return 1;
    }
    const problems = validate(check.credential);
    if (problems.length > 0) {
      io.out(`FAILED: the signature verifies, but the credential breaks its UNTP 0.6.0 schema:`);
      for (const problem of problems) io.out(`  ${problem}`);
      return 1;
    }
    const types = check.credential['type'];
    const kind = Array.isArray(types) ? String(types[0]) : 'credential';
    io.out(
      `verified: ${kind} ${String(check.credential['id'])} issued by ${document.id}, signed by ${check.header.kid}, valid against the UNTP 0.6.0 schema`,
    );
    return 0;
  },
};
