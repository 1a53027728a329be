/**
 * The log nwipe writes (`nwipe --logfile=FILE`), as produced by nwipe 0.33/0.34 (Debian 12's
 * package; real logs in test/fixtures/erasure). What is read, and nothing else:
 *
 * - `banner   = nwipe <version>`, `method   = <label>`, `verify   = <0|1|2> (…)` from the options block;
 * - one `Found <path>, <bus>, <model>, <size>, S/N=<serial>` line per drive;
 * - `Invoking method '<label>' on <path>`: the drive's start time;
 * - the "Error Summary" table (`<name> | <pass errors> | <verification errors> | <sync errors>`);
 * - the "Drive Status" table (`<name> | <status> | …`), status `Erased`, `-FAILED-`, `UABORTED`
 *   (user abort) or `INSANITY`;
 * - the last time stamp in the log: when the run ended, every drive's finish time.
 *
 * Times in the log are the wiping machine's local time without a zone: the caller says which offset
 * they are in (`utcOffset`, "Z" by default). A drive without a status row was not wiped and is left out.
 */
import type { SanitisationMethod, StorageMediumType } from '#kierto/domain';
import {
  capacityGbOf,
  ErasureReportError,
  isoTimeOf,
  readableSerial,
  type ErasedMedium,
  type ErasureReport,
} from './report.js';

const LINE = /^\[(\d{4})\/(\d{2})\/(\d{2}) (\d{2}:\d{2}:\d{2})\]\s+\w+:\s?(.*)$/u;
const FOUND = /^Found (\/\S+), (.*)$/u;
const INVOKING = /^Invoking method '([^']*)' on (\/\S+)/u;
const OPTION = /^\s*(banner|method|verify)\s*=\s*(.*)$/u;
/** A row of either summary table: optional `!` (a problem), the short device name, then cells. */
const TABLE_ROW = /^[! ]\s*(\S+)\s*\|(.*)$/u;

interface Drive {
  readonly path: string;
  readonly bus: string;
  readonly model: string | null;
  readonly size: string;
  readonly serial: string | null;
}

/** `<bus>, <model>, <size>, S/N=<serial>`: the model may hold commas, so it is what lies between. */
function driveOf(path: string, rest: string): Drive | null {
  const serialAt = rest.lastIndexOf(', S/N=');
  if (serialAt === -1) return null;
  const serial = rest.slice(serialAt + ', S/N='.length);
  const cells = rest.slice(0, serialAt).split(',');
  if (cells.length < 3) return null;
  const bus = (cells[0] ?? '').trim();
  const size = (cells[cells.length - 1] ?? '').trim();
  const model = cells.slice(1, -1).join(',').trim();
  return { path, bus, model: model === '' ? null : model, size, serial: readableSerial(serial) };
}

function mediumTypeOf(bus: string): StorageMediumType {
  const upper = bus.toUpperCase();
  if (upper === 'NVME') return 'nvme';
  if (upper === 'MMC') return 'emmc';
  return 'other';
}

/** nwipe's methods (src/method.c labels) in NIST SP 800-88 terms. */
function methodOf(label: string): { method: SanitisationMethod; technique: string; verifyOnly: boolean } {
  if (label.startsWith('Verify ')) return { method: 'clear', technique: 'verification-only', verifyOnly: true };
  if (/sanitize|secure erase/iu.test(label)) return { method: 'purge', technique: 'block-erase', verifyOnly: false };
  return { method: 'clear', technique: 'overwrite', verifyOnly: false };
}

function shortName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function parseNwipeLog(text: string, utcOffset = 'Z'): ErasureReport {
  const options = new Map<string, string>();
  const drives: Drive[] = [];
  const started = new Map<string, string>();
  const verifyErrors = new Map<string, number>();
  const statuses = new Map<string, string>();
  let lastTime: string | null = null;
  let table: 'errors' | 'status' | null = null;

  for (const raw of text.split(/\r?\n/u)) {
    if (raw.includes('Error Summary')) table = 'errors';
    else if (raw.includes('Drive Status')) table = 'status';
    const line = LINE.exec(raw);
    if (line !== null) {
      const [, year, month, day, time, message = ''] = line;
      lastTime = isoTimeOf(`${year}-${month}-${day}`, time ?? '', utcOffset);
      const option = OPTION.exec(message);
      if (option !== null && !options.has(option[1] ?? '')) options.set(option[1] ?? '', (option[2] ?? '').trim());
      const found = FOUND.exec(message);
      if (found !== null) {
        const drive = driveOf(found[1] ?? '', found[2] ?? '');
        if (drive !== null) drives.push(drive);
      }
      const invoking = INVOKING.exec(message);
      if (invoking !== null) started.set(invoking[2] ?? '', lastTime);
      continue;
    }
    const row = table === null ? null : TABLE_ROW.exec(raw);
    if (row === null || row[1] === 'Device') continue;
    const cells = (row[2] ?? '').split('|').map((cell) => cell.trim());
    if (table === 'errors') verifyErrors.set(row[1] ?? '', Number(cells[1] ?? '0'));
    else statuses.set(row[1] ?? '', (cells[0] ?? '').replace(/^-+|-+$/gu, ''));
  }

  const banner = /^nwipe\s+(\S+)$/u.exec(options.get('banner') ?? '');
  if (banner === null) {
    throw new ErasureReportError('NWIPE_NOT_A_LOG', '(body)', 'Not an nwipe log: no "banner = nwipe <version>" line');
  }
  const label = options.get('method') ?? '';
  if (label === '') throw new ErasureReportError('NWIPE_NO_METHOD', 'method', 'The nwipe log names no method');
  const { method, technique, verifyOnly } = methodOf(label);
  // nwipe: verify = 0 (off), 1 (last pass), 2 (all passes); a Verify method is a verification itself.
  const verifySetting = (options.get('verify') ?? '0').charAt(0);
  const verification = verifyOnly || verifySetting === '1' || verifySetting === '2' ? 'full' : 'none';

  const media: ErasedMedium[] = [];
  for (const drive of drives) {
    const status = statuses.get(shortName(drive.path));
    if (status === undefined) continue;
    const erased = status === 'Erased';
    const errors = verifyErrors.get(shortName(drive.path)) ?? 0;
    const capacityGb = capacityGbOf(drive.size);
    if (capacityGb === null) {
      throw new ErasureReportError(
        'INVALID_REPORT_VALUE',
        drive.path,
        `The size "${drive.size}" of ${drive.path} is not a capacity`,
      );
    }
    media.push({
      index: media.length,
      make: null,
      model: drive.model,
      serialNumber: drive.serial,
      capacityGb,
      type: mediumTypeOf(drive.bus),
      method,
      technique,
      methodName: label,
      verification,
      verified: verification === 'full' && erased && errors === 0,
      result: erased ? 'passed' : 'failed',
      startedAt: started.get(drive.path) ?? null,
      finishedAt: lastTime,
      host: null,
    });
  }
  if (media.length === 0) {
    throw new ErasureReportError(
      'REPORT_HAS_NO_MEDIA',
      '(body)',
      'The nwipe log has no drive in its "Drive Status" table',
    );
  }
  return { format: 'nwipe', tool: { name: 'nwipe', version: banner[1] ?? '' }, toolReportId: null, media };
}
