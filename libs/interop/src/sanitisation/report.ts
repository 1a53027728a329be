/**
 * What Kierto reads from the reports erasure tools write (docs/erasure.md, ADR 0023): per storage
 * medium its identity (make, model, serial, capacity), how it was sanitised (NIST SP 800-88 method
 * type, the tool's own method name), the verification and the result, with the times. The parsers
 * (nwipe log, Blancco-style XML, generic CSV) are pure: text in, a report or an `ErasureReportError`
 * out; matching media to devices and recording wipes is the API's business.
 */
import { createHash } from 'node:crypto';
import type { SanitisationMethod, StorageMediumType, WipeResult, WipeVerification } from '#kierto/domain';

export type ErasureReportFormat = 'nwipe' | 'blancco-xml' | 'csv';

/** The device a report says a medium sat in, when it says so (Blancco's system block, CSV columns). */
export interface HostDevice {
  /** A Kierto device id given outright (CSV `device_id`). */
  readonly deviceId: string | null;
  readonly manufacturer: string | null;
  readonly serialNumber: string | null;
}

export interface ErasedMedium {
  /** 0-based position of the medium in the report: with the report id, its stable name. */
  readonly index: number;
  readonly make: string | null;
  readonly model: string | null;
  /** Null when the report has none or an unreadable one (nwipe prints garbage for virtual disks). */
  readonly serialNumber: string | null;
  /** Decimal gigabytes; every format must give it (a wipe records each medium's capacity). */
  readonly capacityGb: number;
  readonly type: StorageMediumType;
  readonly method: SanitisationMethod;
  /** The technique within the method: overwrite, block-erase, crypto-erase, … */
  readonly technique: string;
  /** The tool's own name for what it did ("Fill With Zeros", "NIST 800-88 Purge"). */
  readonly methodName: string;
  readonly verification: WipeVerification['method'];
  readonly verified: boolean;
  readonly result: WipeResult;
  /** ISO 8601 with a zone, or null when the report gives no time. */
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly host: HostDevice | null;
}

export interface ErasureReport {
  readonly format: ErasureReportFormat;
  readonly tool: { readonly name: string; readonly version: string };
  /** The tool's own report id when it writes one (Blancco `document_id`), else null. */
  readonly toolReportId: string | null;
  readonly media: readonly ErasedMedium[];
}

/** A report Kierto cannot read: `field` names where (a line, an element, a column), `code` is stable. */
export class ErasureReportError extends Error {
  constructor(
    readonly code: string,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The report's id: SHA-256 of its bytes, so the same file imported again is the same report (and
 * its wipes the same events), whatever name it was sent under.
 */
export function reportIdOf(bytes: Uint8Array): string {
  return `sha256-${createHash('sha256').update(bytes).digest('hex')}`;
}

const METHOD_STRENGTH: Readonly<Record<SanitisationMethod, number>> = { clear: 0, purge: 1, destruct: 2 };
const VERIFICATION_STRENGTH: Readonly<Record<WipeVerification['method'], number>> = { none: 0, sampling: 1, full: 2 };

/**
 * One wipe of a device from its media in a report. A device's wipe claims no more than its weakest
 * medium: the least method and verification among them, and it passes only when every medium passed
 * and every one was verified (the domain refuses a passing wipe otherwise, rule `WIPE_RESULT_INCONSISTENT`).
 */
export function combinedWipe(media: readonly ErasedMedium[]): {
  readonly method: SanitisationMethod;
  readonly technique: string;
  readonly verification: WipeVerification;
  readonly result: WipeResult;
} {
  const first = media[0];
  if (first === undefined) throw new Error('combinedWipe needs at least one medium');
  let weakest = first;
  let leastVerified = first;
  for (const medium of media) {
    if (METHOD_STRENGTH[medium.method] < METHOD_STRENGTH[weakest.method]) weakest = medium;
    if (VERIFICATION_STRENGTH[medium.verification] < VERIFICATION_STRENGTH[leastVerified.verification]) {
      leastVerified = medium;
    }
  }
  const verified = media.every((medium) => medium.verified && medium.verification !== 'none');
  const passed = verified && media.every((medium) => medium.result === 'passed');
  return {
    method: weakest.method,
    technique: weakest.technique,
    verification: { method: leastVerified.verification, verified },
    result: passed ? 'passed' : 'failed',
  };
}

/** A serial number worth matching on: printable, not blank, at most 64 characters (the schema's bound). */
export function readableSerial(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const serial = raw.trim();
  if (serial === '' || serial.length > 64) return null;
  // Control characters or U+FFFD (bytes that were not UTF-8): the tool read garbage, not a serial.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f\ufffd]/u.test(serial)) return null;
  return serial;
}

const DECIMAL_UNITS: Readonly<Record<string, number>> = {
  B: 1e-9,
  KB: 1e-6,
  MB: 1e-3,
  GB: 1,
  TB: 1e3,
  PB: 1e6,
};

/** "500 GB", "8 MB", "1.2 TB" (decimal units, as erasure tools print them) to gigabytes; null if not that. */
export function capacityGbOf(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGTP]?B)\s*$/iu.exec(text);
  if (match === null) return null;
  const factor = DECIMAL_UNITS[(match[2] ?? '').toUpperCase()];
  if (factor === undefined) return null;
  const value = Number(match[1]) * factor;
  return value > 0 ? value : null;
}

/** A time as written with an explicit zone, or local time read at `utcOffset` (e.g. "+02:00", "Z"). */
export function isoTimeOf(date: string, time: string, utcOffset: string): string {
  return `${date}T${time}${utcOffset}`;
}
