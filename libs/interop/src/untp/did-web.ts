/**
 * The deployment as a `did:web` issuer (docs/interop.md, "Issuer"): its DID from KIERTO_PUBLIC_URL
 * and its DID document with the Ed25519 key as a JsonWebKey verification method. Pure: the key
 * arrives as a public JWK.
 */

/** An Ed25519 public key as a JWK (RFC 8037). */
export interface Ed25519PublicJwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  /** base64url of the 32-byte public key. */
  readonly x: string;
}

export interface DidDocument {
  readonly '@context': readonly string[];
  readonly id: string;
  readonly verificationMethod: readonly {
    readonly id: string;
    readonly type: 'JsonWebKey';
    readonly controller: string;
    readonly publicKeyJwk: Ed25519PublicJwk;
  }[];
  readonly assertionMethod: readonly string[];
}

/**
 * did:web of an http(s) URL (did:web method spec, "Create"): the host, its port percent-encoded
 * (`%3A`), each path segment after a `:`. `https://dpp.example.org:8443/kierto` gives
 * `did:web:dpp.example.org%3A8443:kierto`.
 */
export function didWebOf(publicUrl: string): string {
  const url = new URL(publicUrl);
  const host = url.port === '' ? url.hostname : `${url.hostname}%3A${url.port}`;
  const segments = url.pathname
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => encodeURIComponent(decodeURIComponent(segment)));
  return ['did:web', host, ...segments].join(':');
}

/**
 * Where a did:web resolves: `/.well-known/did.json` under the origin when the DID has no path,
 * else `{path}/did.json`. The API answers both (docs/interop.md).
 */
export function didDocumentUrlOf(publicUrl: string): string {
  const url = new URL(publicUrl);
  const path = url.pathname.replace(/\/+$/, '');
  return path === '' ? `${url.origin}/.well-known/did.json` : `${url.origin}${path}/did.json`;
}

/** The DID URL of a key in the DID document: the DID with the key's id as fragment; the JWS `kid`. */
export function verificationMethodId(did: string, keyId: string): string {
  return `${did}#${keyId}`;
}

export function didDocument(did: string, keyId: string, jwk: Ed25519PublicJwk): DidDocument {
  const id = verificationMethodId(did, keyId);
  return {
    // DID Core 1.0, and the Controlled Identifiers vocabulary that defines JsonWebKey.
    '@context': ['https://www.w3.org/ns/did/v1', 'https://www.w3.org/ns/cid/v1'],
    id: did,
    verificationMethod: [
      { id, type: 'JsonWebKey', controller: did, publicKeyJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x } },
    ],
    assertionMethod: [id],
  };
}

/**
 * Where a did:web DID's document is (the inverse of didWebOf): `did:web:host%3Aport:a:b` gives
 * `https://host:port/a/b/did.json`, `did:web:host` gives `https://host/.well-known/did.json`.
 */
export function didWebDocumentUrl(did: string): string {
  const [scheme, method, host, ...path] = did.split(':');
  if (scheme !== 'did' || method !== 'web' || host === undefined || host === '') {
    throw new Error(`${did} is not a did:web DID`);
  }
  const origin = `https://${decodeURIComponent(host)}`;
  // Each segment as it stands in a URL path: decoded from the DID, encoded again.
  const segments = path.map((segment) => encodeURIComponent(decodeURIComponent(segment)));
  return segments.length === 0 ? `${origin}/.well-known/did.json` : `${origin}/${segments.join('/')}/did.json`;
}

/** A DID document read from outside, checked for the fields verification uses; throws what is missing. */
export function parseDidDocument(value: unknown, source: string): DidDocument {
  const document = value as Partial<Record<keyof DidDocument, unknown>> | null;
  if (
    typeof document !== 'object' ||
    document === null ||
    typeof document.id !== 'string' ||
    !Array.isArray(document.verificationMethod) ||
    !Array.isArray(document.assertionMethod)
  ) {
    throw new Error(`${source} is not a DID document (id, verificationMethod and assertionMethod are required)`);
  }
  return document as DidDocument;
}
