/**
 * The generic erasure CSV: RFC 4180 (../ords/csv.ts), a header row, then one row per storage medium.
 * For tools Kierto has no parser for, and for people keeping the record in a spreadsheet.
 *
 * | column | required | value |
 * | --- | --- | --- |
 * | `tool`, `tool_version` | yes | the same on every row (one report, one tool) |
 * | `drive_serial` | yes (may be empty: the row then waits in the queue) | the medium's serial |
 * | `capacity_gb` | yes | decimal gigabytes above 0 |
 * | `method` | yes | `clear`, `purge` or `destruct` (NIST SP 800-88 / IEEE 2883) |
 * | `verification` | yes | `full`, `sampling` or `none` |
 * | `result` | yes | `passed` or `failed` |
 * | `device_id` | no | a Kierto device id (`gtin:…`, `mfr:…`) the medium sat in |
 * | `device_manufacturer`, `device_serial` | no | the computer the medium sat in, when no `device_id` |
 * | `drive_make`, `drive_model` | no | text |
 * | `media_type` | no | `hdd`, `ssd`, `nvme`, `emmc`, `flash`, `hybrid`, `other` (default `other`) |
 * | `technique` | no | e.g. `overwrite`, `block-erase`, `crypto-erase` (default `overwrite`) |
 * | `verified` | no | `true`/`false`; default: `true` when the result passed and verification is not `none` |
 * | `started_at`, `finished_at` | no | ISO 8601 with a zone |
 *
 * An unknown column, a missing required one or a bad value refuses the whole file (`field` names the
 * line and column): a report is evidence, half of it is not.
 */
import type { SanitisationMethod, StorageMediumType, WipeResult, WipeVerification } from '#kierto/domain';
import { parseCsv } from '../ords/csv.js';
import { ErasureReportError, readableSerial, type ErasedMedium, type ErasureReport } from './report.js';

const REQUIRED = ['tool', 'tool_version', 'drive_serial', 'capacity_gb', 'method', 'verification', 'result'] as const;
const OPTIONAL = [
  'device_id',
  'device_manufacturer',
  'device_serial',
  'drive_make',
  'drive_model',
  'media_type',
  'technique',
  'verified',
  'started_at',
  'finished_at',
] as const;
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number];
const COLUMNS: ReadonlySet<string> = new Set<string>([...REQUIRED, ...OPTIONAL]);

const METHODS: readonly SanitisationMethod[] = ['clear', 'purge', 'destruct'];
const VERIFICATIONS: readonly WipeVerification['method'][] = ['full', 'sampling', 'none'];
const RESULTS: readonly WipeResult[] = ['passed', 'failed'];
const MEDIA_TYPES: readonly StorageMediumType[] = ['hdd', 'ssd', 'nvme', 'emmc', 'flash', 'hybrid', 'other'];

function oneOf<T extends string>(allowed: readonly T[], value: string, field: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    throw new ErasureReportError('INVALID_REPORT_VALUE', field, `"${value}" is not one of ${allowed.join(', ')}`);
  }
  return found;
}

function timeOf(value: string, field: string): string | null {
  if (value === '') return null;
  if (
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/u.test(value) ||
    Number.isNaN(Date.parse(value))
  ) {
    throw new ErasureReportError('INVALID_REPORT_VALUE', field, `${value} is not an ISO 8601 time with a zone`);
  }
  return value;
}

function orNull(value: string): string | null {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

export function parseErasureCsv(text: string): ErasureReport {
  const [header, ...rows] = parseCsv(text).filter((record) => record.fields.some((field) => field.trim() !== ''));
  if (header === undefined) throw new ErasureReportError('REPORT_HAS_NO_MEDIA', '(body)', 'The CSV is empty');
  const names = header.fields.map((name) => name.trim());
  for (const name of names) {
    if (!COLUMNS.has(name)) throw new ErasureReportError('CSV_UNKNOWN_COLUMN', name, `Unknown column ${name}`);
  }
  for (const name of REQUIRED) {
    if (!names.includes(name))
      throw new ErasureReportError('CSV_MISSING_COLUMN', name, `The column ${name} is required`);
  }
  if (rows.length === 0) throw new ErasureReportError('REPORT_HAS_NO_MEDIA', '(body)', 'The CSV has no rows');
  let tool: { name: string; version: string } | null = null;

  const media = rows.map((row, index): ErasedMedium => {
    const cell = (column: Column): string => (row.fields[names.indexOf(column)] ?? '').trim();
    const field = (column: Column): string => `line ${row.line}: ${column}`;
    if (row.fields.length !== names.length) {
      throw new ErasureReportError(
        'CSV_FIELD_COUNT',
        `line ${row.line}`,
        `Line ${row.line} has ${row.fields.length} fields, the header ${names.length}`,
      );
    }
    const rowTool = { name: cell('tool'), version: cell('tool_version') };
    if (rowTool.name === '' || rowTool.version === '') {
      throw new ErasureReportError('INVALID_REPORT_VALUE', field('tool'), 'tool and tool_version are required');
    }
    if (tool === null) tool = rowTool;
    else if (tool.name !== rowTool.name || tool.version !== rowTool.version) {
      throw new ErasureReportError(
        'CSV_MIXED_TOOLS',
        field('tool'),
        'Every row of one report names the same tool and version',
      );
    }
    const verification = oneOf(VERIFICATIONS, cell('verification'), field('verification'));
    const result = oneOf(RESULTS, cell('result'), field('result'));
    const verifiedText = cell('verified');
    const verified =
      verifiedText === ''
        ? result === 'passed' && verification !== 'none'
        : oneOf(['true', 'false'], verifiedText, field('verified')) === 'true';
    const capacityText = cell('capacity_gb');
    const capacity = Number(capacityText);
    if (capacityText === '' || !Number.isFinite(capacity) || capacity <= 0) {
      throw new ErasureReportError(
        'INVALID_REPORT_VALUE',
        field('capacity_gb'),
        `${capacityText} is not a capacity above 0`,
      );
    }
    const deviceId = orNull(cell('device_id'));
    const hostManufacturer = orNull(cell('device_manufacturer'));
    const hostSerial = orNull(cell('device_serial'));
    const methodName = cell('method');
    return {
      index,
      make: orNull(cell('drive_make')),
      model: orNull(cell('drive_model')),
      serialNumber: readableSerial(cell('drive_serial')),
      capacityGb: capacity,
      type: cell('media_type') === '' ? 'other' : oneOf(MEDIA_TYPES, cell('media_type'), field('media_type')),
      method: oneOf(METHODS, methodName, field('method')),
      technique: orNull(cell('technique')) ?? 'overwrite',
      methodName,
      verification,
      verified,
      result,
      startedAt: timeOf(cell('started_at'), field('started_at')),
      finishedAt: timeOf(cell('finished_at'), field('finished_at')),
      host:
        deviceId === null && hostSerial === null
          ? null
          : { deviceId, manufacturer: hostManufacturer, serialNumber: hostSerial },
    };
  });
  const reportTool = tool ?? { name: '', version: '' };
  return { format: 'csv', tool: reportTool, toolReportId: null, media };
}
