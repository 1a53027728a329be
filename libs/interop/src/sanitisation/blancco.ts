/**
 * A Blancco-style XML erasure report: Blancco's `entries`/`entry name="…"` layout, modelled on how its
 * reports are described publicly, not validated against real Blancco output (none is available here;
 * ADR 0023). Read, by element and `name` attribute, anywhere under the root:
 *
 * - `description/document_id`: the tool's report id (optional);
 * - `entries name="software"`: `entry name="name"`, `entry name="version"` (required);
 * - `entries name="system"` (optional): `manufacturer`, `serial` of the computer the drives sat in;
 * - each `entries name="erasure"`: `state` (`Successful` passes; anything else, "Successful with
 *   exceptions" included, fails), `erasure_standard_name` (e.g. "NIST 800-88 Purge"), `verification`
 *   (`Full`/`100%`, `Partial`/a lower percentage, `None`/`0%`), `start_time`, `end_time` (ISO 8601
 *   with a zone), and its `entries name="target"`: `vendor`, `model`, `serial`, `capacity` (bytes),
 *   `type` (HDD, SSD, NVMe, eMMC, USB, …).
 *
 * Other elements are ignored. The XML itself goes through the strict reader (./xml.ts): no DTD.
 */
import type { SanitisationMethod, StorageMediumType, WipeVerification } from '#kierto/domain';
import {
  ErasureReportError,
  readableSerial,
  type ErasedMedium,
  type ErasureReport,
  type HostDevice,
} from './report.js';
import { parseXml, type XmlElement } from './xml.js';

function findAll(
  element: XmlElement,
  match: (candidate: XmlElement) => boolean,
  found: XmlElement[] = [],
): XmlElement[] {
  for (const child of element.children) {
    if (match(child)) found.push(child);
    else findAll(child, match, found);
  }
  return found;
}

function entriesNamed(element: XmlElement, name: string): XmlElement[] {
  return findAll(element, (candidate) => candidate.name === 'entries' && candidate.attributes['name'] === name);
}

/** The trimmed text of the direct `entry name="<name>"` child, or null when absent or blank. */
function entry(entries: XmlElement, name: string): string | null {
  const found = entries.children.find((child) => child.name === 'entry' && child.attributes['name'] === name);
  const value = found?.text.trim() ?? '';
  return value === '' ? null : value;
}

function methodOf(standardName: string): { method: SanitisationMethod; technique: string } {
  const lower = standardName.toLowerCase();
  const technique = lower.includes('crypto')
    ? 'crypto-erase'
    : lower.includes('block') || lower.includes('sanitize') || lower.includes('secure erase')
      ? 'block-erase'
      : 'overwrite';
  if (/destruct|destroy/u.test(lower)) return { method: 'destruct', technique: 'destruct' };
  if (lower.includes('purge'))
    return { method: 'purge', technique: technique === 'overwrite' ? 'block-erase' : technique };
  return { method: 'clear', technique };
}

function verificationOf(value: string | null, field: string): WipeVerification['method'] {
  const lower = (value ?? 'none').toLowerCase();
  if (lower === 'full' || lower === '100%') return 'full';
  if (lower === 'none' || lower === '0%') return 'none';
  if (lower === 'partial' || /^\d{1,2}(\.\d+)?%$/u.test(lower)) return 'sampling';
  throw new ErasureReportError(
    'INVALID_REPORT_VALUE',
    field,
    `verification "${value ?? ''}" is not Full, Partial, a percentage or None`,
  );
}

function mediumTypeOf(value: string | null): StorageMediumType {
  switch ((value ?? '').toLowerCase()) {
    case 'hdd':
      return 'hdd';
    case 'ssd':
      return 'ssd';
    case 'nvme':
      return 'nvme';
    case 'emmc':
      return 'emmc';
    case 'usb':
    case 'flash':
      return 'flash';
    default:
      return 'other';
  }
}

function timeOf(value: string | null, field: string): string | null {
  if (value === null) return null;
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/u.test(value) ||
    Number.isNaN(Date.parse(value))
  ) {
    throw new ErasureReportError('INVALID_REPORT_VALUE', field, `${value} is not an ISO 8601 time with a zone`);
  }
  return value;
}

export function parseBlanccoXml(text: string): ErasureReport {
  const root = parseXml(text);
  const software = entriesNamed(root, 'software')[0];
  const toolName = software === undefined ? null : entry(software, 'name');
  const toolVersion = software === undefined ? null : entry(software, 'version');
  if (toolName === null || toolVersion === null) {
    throw new ErasureReportError(
      'REPORT_NAMES_NO_TOOL',
      'software',
      'The report has no entries name="software" with name and version',
    );
  }
  const documentId = findAll(root, (candidate) => candidate.name === 'document_id')[0]?.text.trim() ?? '';
  const system = entriesNamed(root, 'system')[0];
  const host: HostDevice | null =
    system === undefined
      ? null
      : {
          deviceId: null,
          manufacturer: entry(system, 'manufacturer'),
          serialNumber: readableSerial(entry(system, 'serial')),
        };

  const media: ErasedMedium[] = entriesNamed(root, 'erasure').map((erasure, index) => {
    const field = `erasure[${index}]`;
    const target = entriesNamed(erasure, 'target')[0];
    if (target === undefined) {
      throw new ErasureReportError('INVALID_REPORT_VALUE', field, 'An erasure has no entries name="target"');
    }
    const standardName = entry(erasure, 'erasure_standard_name') ?? '';
    if (standardName === '') {
      throw new ErasureReportError(
        'INVALID_REPORT_VALUE',
        `${field}.erasure_standard_name`,
        'An erasure names no standard',
      );
    }
    const { method, technique } = methodOf(standardName);
    const verification = verificationOf(entry(erasure, 'verification'), `${field}.verification`);
    const passed = entry(erasure, 'state') === 'Successful';
    const bytes = Number(entry(target, 'capacity') ?? '');
    if (!Number.isSafeInteger(bytes) || bytes <= 0) {
      throw new ErasureReportError(
        'INVALID_REPORT_VALUE',
        `${field}.target.capacity`,
        'A target names its capacity in bytes',
      );
    }
    return {
      index,
      make: entry(target, 'vendor'),
      model: entry(target, 'model'),
      serialNumber: readableSerial(entry(target, 'serial')),
      capacityGb: bytes / 1e9,
      type: mediumTypeOf(entry(target, 'type')),
      method,
      technique,
      methodName: standardName,
      verification,
      verified: passed && verification !== 'none',
      result: passed ? 'passed' : 'failed',
      startedAt: timeOf(entry(erasure, 'start_time'), `${field}.start_time`),
      finishedAt: timeOf(entry(erasure, 'end_time'), `${field}.end_time`),
      host,
    };
  });
  if (media.length === 0)
    throw new ErasureReportError('REPORT_HAS_NO_MEDIA', '(body)', 'The report has no entries name="erasure"');
  return {
    format: 'blancco-xml',
    tool: { name: toolName, version: toolVersion },
    toolReportId: documentId === '' ? null : documentId,
    media,
  };
}
