import { didWebDocumentUrl, parseDidDocument, verifySignedCertificate, type DidDocument } from '#kierto/interop';
import { UsageError, parseOptions, type CliCommand } from '../cli-command.js';
import { readText } from './audit-io.js';

function jsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readText(path, what)) as unknown;
  } catch (error) {
    throw new Error(error instanceof SyntaxError ? `${what} ${path} is not JSON` : (error as Error).message);
  }
}

/** The issuer's DID document: the file given, else fetched where the certificate's did:web issuer says. */
async function issuerDocument(text: string, path: string | undefined): Promise<DidDocument> {
  if (path !== undefined) return parseDidDocument(jsonFile(path, 'DID document'), path);
  let issuer: unknown;
  try {
    issuer = (JSON.parse(text) as { certificate?: { issuer?: unknown } }).certificate?.issuer;
  } catch {
    throw new Error('the certificate file is not JSON');
  }
  if (typeof issuer !== 'string') throw new Error('the certificate names no issuer: pass --did-document <file>');
  const url = didWebDocumentUrl(issuer);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot fetch the DID document ${url}: HTTP ${response.status}`);
  return parseDidDocument(await response.json(), url);
}

/**
 * `kierto verify-certificate <file> [--did-document <did.json>]`: checks a data sanitisation
 * certificate as Kierto issues it (JSON `{certificate, proof: {jws}}`, docs/erasure.md): the EdDSA
 * signature against the issuer's DID document, and that the certificate shown is the one signed.
 * Offline with --did-document; without it the did:web document is fetched. Exit 0 when it verifies,
 * 1 when not, 2 usage.
 */
export const verifyCertificateCommand: CliCommand = {
  name: 'verify-certificate',
  summary: 'check a data sanitisation certificate (signed JSON) against the DID document',
  usage: '<certificate.json> [--did-document <did.json>]',
  async run(args, io) {
    const { options, rest } = parseOptions(args, ['did-document']);
    const [path, ...extra] = rest;
    if (path === undefined) throw new UsageError('the certificate file is required');
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0] ?? ''}`);
    const text = readText(path, 'certificate');
    const document = await issuerDocument(text, options.get('did-document'));
    const check = verifySignedCertificate(text, document);
    if (!check.ok) {
      io.out(`FAILED: ${check.reason}`);
      return 1;
    }
    const subject = check.certificate.credentialSubject;
    const scope =
      subject.scope.kind === 'device' ? `device ${subject.scope.deviceId}` : `erasure report ${subject.scope.reportId}`;
    io.out(
      `verified: ${check.certificate.id} for ${scope}, issued by ${document.id}, signed by ${check.kid}; ` +
        (subject.allErasedAndVerified
          ? `data erased on ${subject.erasedOn ?? '-'}, verified`
          : 'NOT every device erased and verified'),
    );
    return 0;
  },
};
