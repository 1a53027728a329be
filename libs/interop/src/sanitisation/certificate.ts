/**
 * Data sanitisation certificates (docs/erasure.md): what NIST SP 800-88 Appendix G's certificate
 * asks for (media make, model, serial; method type, technique, tool and version; verification;
 * result; who and when), for one device or one erasure report, as a W3C verifiable credential signed
 * with the deployment's Ed25519 key. The file a person keeps is JSON: `{certificate, proof: {jws}}`,
 * the certificate readable as is and the compact JWS (the UNTP envelope, ../untp/envelope.ts) whose
 * payload is that same certificate. Verification needs only the issuer's DID document: offline.
 */
import type { KeyObject } from 'node:crypto';
import type {
  SanitisationMethod,
  SanitisationStandard,
  StorageMediumType,
  WipeResult,
  WipeVerification,
} from '#kierto/domain';
import type { DidDocument } from '../untp/did-web.js';
import { signCredential, verifyCredentialJws } from '../untp/envelope.js';

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';

export interface CertifiedMedium {
  readonly make: string | null;
  readonly model: string | null;
  readonly serialNumber: string | null;
  readonly type: StorageMediumType;
  readonly capacityGb: number | null;
  readonly result: WipeResult;
}

/** One wipe as recorded: the event's data, who recorded it (organisation) and when. */
export interface CertifiedWipe {
  readonly eventId: string;
  readonly deviceId: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly standard: SanitisationStandard;
  readonly method: SanitisationMethod;
  readonly technique: string | null;
  readonly tool: { readonly name: string; readonly version: string };
  readonly verification: WipeVerification;
  readonly result: WipeResult;
  /** The evidence the wipe names: for an imported report, `erasure-report:<report id>`. */
  readonly evidence: string;
  readonly media: readonly CertifiedMedium[];
}

export type CertificateScope =
  | {
      readonly kind: 'device';
      readonly deviceId: string;
      readonly manufacturer: string | null;
      readonly brand: string | null;
      readonly model: string | null;
      readonly serialNumber: string | null;
    }
  | {
      readonly kind: 'erasure-report';
      readonly reportId: string;
      readonly importedBy: string;
      readonly importedAt: string;
      /** Media of the report not (yet) matched to a device: listed, not certified. */
      readonly unmatchedMedia: readonly CertifiedMedium[];
    };

export interface SanitisationCertificate {
  readonly '@context': readonly string[];
  readonly type: readonly ['VerifiableCredential', 'DataSanitisationCertificate'];
  readonly id: string;
  readonly issuer: string;
  readonly validFrom: string;
  readonly credentialSubject: {
    readonly scope: CertificateScope;
    readonly wipes: readonly CertifiedWipe[];
    /** The latest wipe per device passed with a successful verification, for every device covered. */
    readonly allErasedAndVerified: boolean;
    /** Date (YYYY-MM-DD) of the latest wipe covered, null when none is. */
    readonly erasedOn: string | null;
  };
}

export interface SignedCertificate {
  readonly certificate: SanitisationCertificate;
  readonly proof: { readonly type: 'JsonWebSignature'; readonly jws: string };
}

/** Whether every device's latest wipe passed verified, and the date of the latest wipe. */
export function certificateSummary(wipes: readonly CertifiedWipe[]): {
  allErasedAndVerified: boolean;
  erasedOn: string | null;
} {
  const latest = new Map<string, CertifiedWipe>();
  for (const wipe of wipes) {
    const seen = latest.get(wipe.deviceId);
    if (seen === undefined || seen.occurredAt <= wipe.occurredAt) latest.set(wipe.deviceId, wipe);
  }
  const last = [...latest.values()]
    .map((wipe) => wipe.occurredAt)
    .sort()
    .at(-1);
  return {
    allErasedAndVerified:
      latest.size > 0 && [...latest.values()].every((wipe) => wipe.result === 'passed' && wipe.verification.verified),
    erasedOn: last === undefined ? null : new Date(last).toISOString().slice(0, 10),
  };
}

export function signCertificate(
  certificate: SanitisationCertificate,
  privateKey: KeyObject,
  kid: string,
): SignedCertificate {
  return { certificate, proof: { type: 'JsonWebSignature', jws: signCredential(certificate, privateKey, kid) } };
}

/** JSON with object keys sorted: two parses of the same content compare equal, whatever the layout. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export type CertificateCheck =
  | { readonly ok: true; readonly certificate: SanitisationCertificate; readonly kid: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Checks a certificate file's content: the JWS verifies against the DID document (EdDSA, a key of
 * the document, the issuer is the document's DID) and its payload is the certificate shown, so that
 * neither the readable part nor the signature can be changed alone.
 */
export function verifySignedCertificate(text: string, document: DidDocument): CertificateCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the file is not JSON' };
  }
  const file = value as { certificate?: unknown; proof?: { jws?: unknown } } | null;
  if (
    typeof file !== 'object' ||
    file === null ||
    typeof file.proof?.jws !== 'string' ||
    typeof file.certificate !== 'object'
  ) {
    return { ok: false, reason: 'not a signed certificate: {certificate, proof: {jws}} expected' };
  }
  const check = verifyCredentialJws(file.proof.jws, document);
  if (!check.ok) return check;
  const types = check.credential['type'];
  if (!Array.isArray(types) || !types.includes('DataSanitisationCertificate')) {
    return { ok: false, reason: 'the signed credential is not a DataSanitisationCertificate' };
  }
  if (canonical(check.credential) !== canonical(file.certificate)) {
    return { ok: false, reason: 'the certificate shown differs from the one signed' };
  }
  return { ok: true, certificate: file.certificate as SanitisationCertificate, kid: check.header.kid };
}
