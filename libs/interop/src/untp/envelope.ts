/**
 * Enveloped JOSE credentials (W3C VC-JOSE-COSE, `application/vc+jwt`): the credential is the JWS
 * payload, signed with EdDSA (Ed25519). Signing and checking take Node KeyObjects; where the key
 * lives is the apps' business (apps/api/src/signing).
 */
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { DidDocument, Ed25519PublicJwk } from './did-web.js';

export const VC_JWT_MEDIA_TYPE = 'application/vc+jwt';

export interface JoseHeader {
  readonly alg: 'EdDSA';
  readonly kid: string;
  readonly typ: 'vc+jwt';
  readonly cty: 'vc';
}

const base64url = (bytes: Buffer | string): string => Buffer.from(bytes).toString('base64url');

/** The compact JWS of a credential: header.payload.signature, each base64url. */
export function signCredential(credential: object, privateKey: KeyObject, kid: string): string {
  const header: JoseHeader = { alg: 'EdDSA', kid, typ: 'vc+jwt', cty: 'vc' };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(credential))}`;
  // Ed25519 hashes internally: the algorithm argument is null.
  return `${signingInput}.${base64url(sign(null, Buffer.from(signingInput, 'ascii'), privateKey))}`;
}

export function publicJwkOf(key: KeyObject): Ed25519PublicJwk {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new Error('The signing key is not an Ed25519 key');
  }
  return { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
}

export type CredentialCheck =
  | { readonly ok: true; readonly header: JoseHeader; readonly credential: Record<string, unknown> }
  | { readonly ok: false; readonly reason: string };

function parseJsonPart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new Error(`the JWS ${what} is not base64url JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`the JWS ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** The verification method of the DID document the `kid` names, as a Node public key, or why not. */
function keyOf(document: DidDocument, kid: string): KeyObject | string {
  const method = document.verificationMethod.find((candidate) => candidate.id === kid);
  if (method === undefined) return `the DID document ${document.id} has no verification method ${kid}`;
  if (!document.assertionMethod.includes(kid)) return `${kid} is not an assertion method of ${document.id}`;
  try {
    return createPublicKey({ key: { ...method.publicKeyJwk }, format: 'jwk' });
  } catch {
    return `${kid} is not a usable Ed25519 JWK`;
  }
}

/**
 * Checks a compact JWS credential against the issuer's DID document: the header (EdDSA, a kid of the
 * document), the signature over the exact bytes received, and that the credential's issuer is the
 * document's DID. The schema is checked elsewhere.
 */
export function verifyCredentialJws(jws: string, document: DidDocument): CredentialCheck {
  const parts = jws.trim().split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a compact JWS (header.payload.signature)' };
  const [headerPart = '', payloadPart = '', signaturePart = ''] = parts;
  let header: Record<string, unknown>;
  let credential: Record<string, unknown>;
  try {
    header = parseJsonPart(headerPart, 'header');
    credential = parseJsonPart(payloadPart, 'payload');
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (header['alg'] !== 'EdDSA') return { ok: false, reason: `alg is ${String(header['alg'])}, not EdDSA` };
  const kid = header['kid'];
  if (typeof kid !== 'string') return { ok: false, reason: 'the JWS header has no kid' };
  const key = keyOf(document, kid);
  if (typeof key === 'string') return { ok: false, reason: key };
  const signed = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  if (!verify(null, signed, key, Buffer.from(signaturePart, 'base64url'))) {
    return { ok: false, reason: `the signature does not verify with ${kid}` };
  }
  const issuer = credential['issuer'];
  const issuerId = typeof issuer === 'string' ? issuer : (issuer as { id?: unknown } | null)?.id;
  if (issuerId !== document.id) {
    return { ok: false, reason: `the credential's issuer ${String(issuerId)} is not ${document.id}` };
  }
  return { ok: true, header: header as unknown as JoseHeader, credential };
}
