/** What every UNTP credential Kierto issues shares: the issuer and the W3C VC 2.0 envelope fields. */
import { createHash } from 'node:crypto';
import { didWebOf } from './did-web.js';

export const VC_CONTEXT = 'https://www.w3.org/ns/credentials/v2';

export interface CredentialIssuer {
  readonly type: readonly ['CredentialIssuer'];
  readonly id: string;
  readonly name: string;
}

/** Where the credentials are issued from: the deployment's public URL (KIERTO_PUBLIC_URL). */
export interface IssuingDeployment {
  /** e.g. https://dpp.example.org, without trailing slash. */
  readonly publicUrl: string;
}

/** The deployment as issuer: its did:web, named after its host (Kierto has no operator name to give). */
export function issuerOf(deployment: IssuingDeployment): CredentialIssuer {
  return {
    type: ['CredentialIssuer'],
    id: didWebOf(deployment.publicUrl),
    name: `Kierto at ${new URL(deployment.publicUrl).host}`,
  };
}

/**
 * A name-based UUID (RFC 9562 version 8, SHA-256 of the name): the same passport revision always
 * gets the same credential id, so a credential is reproducible and cacheable.
 */
export function nameBasedUuid(name: string): string {
  const bytes = createHash('sha256').update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The URL of a device's resource under the deployment (the device id is URL-safe, ADR 0004). */
export function deviceUrl(deployment: IssuingDeployment, deviceId: string, suffix = ''): string {
  return `${deployment.publicUrl}/passports/${deviceId}${suffix}`;
}
