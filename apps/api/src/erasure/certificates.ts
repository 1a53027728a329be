/**
 * Data sanitisation certificates from what Kierto recorded (docs/erasure.md): a device's from its
 * `DeviceDataWiped` events, a report's from the wipes the report became. Media make and model come
 * from the imported report when the wipe names one (`certificateId` `erasure-report:<id>`); the event
 * keeps type, serial, capacity and result. Deterministic: the same history gives the same
 * certificate (id and `validFrom` come from the wipes), so it can be fetched again and compared.
 */
import { createHash } from 'node:crypto';
import type { DeviceDataWipedData } from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';
import {
  certificateSummary,
  VC_V2_CONTEXT,
  type CertificateScope,
  type CertifiedMedium,
  type CertifiedWipe,
  type ErasedMedium,
  type SanitisationCertificate,
} from '#kierto/interop';
import type { StoredReport } from './erasure-store.js';

const REPORT_EVIDENCE = 'erasure-report:';

/** The report a wipe was recorded from, by its evidence and the organisation that recorded it. */
export type ReportLookup = (organisationId: string, reportId: string) => Promise<StoredReport | null>;

function reportMedium(report: StoredReport | null, serialNumber: string): ErasedMedium | undefined {
  return report?.media.find((medium) => medium.serialNumber === serialNumber);
}

export async function certifiedWipeOf(event: StoredEvent, lookup: ReportLookup): Promise<CertifiedWipe> {
  const data = event.data as unknown as DeviceDataWipedData;
  const report = data.certificateId.startsWith(REPORT_EVIDENCE)
    ? await lookup(event.actor.organisationId, data.certificateId.slice(REPORT_EVIDENCE.length))
    : null;
  const media: CertifiedMedium[] = data.media.map((medium) => {
    const read = reportMedium(report, medium.serialNumber);
    return {
      make: read?.make ?? null,
      model: read?.model ?? null,
      serialNumber: medium.serialNumber,
      type: medium.type,
      capacityGb: medium.capacityGb,
      result: medium.result,
    };
  });
  return {
    eventId: event.eventId,
    deviceId: event.streamId,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    recordedBy: event.actor.organisationId,
    standard: data.standard,
    method: data.method,
    technique: data.technique ?? null,
    tool: data.tool,
    verification: data.verification,
    result: data.result,
    evidence: data.certificateId,
    media,
  };
}

function certificateOf(
  scope: CertificateScope,
  wipes: readonly CertifiedWipe[],
  issuer: string,
  idSeed: string,
): SanitisationCertificate {
  const validFrom =
    wipes
      .map((wipe) => wipe.recordedAt)
      .sort()
      .at(-1) ?? new Date(0).toISOString();
  return {
    '@context': [VC_V2_CONTEXT],
    type: ['VerifiableCredential', 'DataSanitisationCertificate'],
    id: `urn:kierto:sanitisation-certificate:${createHash('sha256').update(idSeed).digest('hex').slice(0, 32)}`,
    issuer,
    validFrom,
    credentialSubject: { scope, wipes, ...certificateSummary(wipes) },
  };
}

function text(data: Record<string, unknown> | undefined, field: string): string | null {
  const value = data?.[field];
  return typeof value === 'string' ? value : null;
}

/** A device's certificate: every wipe in its history, and what the history says the device is. */
export async function deviceCertificate(
  deviceId: string,
  events: readonly StoredEvent[],
  lookup: ReportLookup,
  issuer: string,
): Promise<SanitisationCertificate> {
  const described = events.find((event) => typeof event.data['product'] === 'object');
  const product = described?.data['product'] as Record<string, unknown> | undefined;
  const wipes = await Promise.all(
    events.filter((event) => event.type === 'DeviceDataWiped').map((event) => certifiedWipeOf(event, lookup)),
  );
  const scope: CertificateScope = {
    kind: 'device',
    deviceId,
    manufacturer: text(product, 'manufacturer'),
    brand: text(product, 'brand'),
    model: text(product, 'model'),
    serialNumber: text(product, 'serialNumber'),
  };
  return certificateOf(scope, wipes, issuer, `${deviceId}\n${wipes.map((wipe) => wipe.eventId).join('\n')}`);
}

/** A report's certificate: the wipes it became (resolutions included), and the media still waiting. */
export function reportCertificate(
  report: StoredReport,
  wipes: readonly CertifiedWipe[],
  waiting: readonly ErasedMedium[],
  issuer: string,
): SanitisationCertificate {
  const scope: CertificateScope = {
    kind: 'erasure-report',
    reportId: report.id,
    importedBy: report.organisationId,
    importedAt: report.receivedAt,
    unmatchedMedia: waiting.map((medium) => ({
      make: medium.make,
      model: medium.model,
      serialNumber: medium.serialNumber,
      type: medium.type,
      capacityGb: medium.capacityGb,
      result: medium.result,
    })),
  };
  const seed = `${report.organisationId}\n${report.id}\n${wipes.map((wipe) => wipe.eventId).join('\n')}\n${waiting.length}`;
  return certificateOf(scope, wipes, issuer, seed);
}
