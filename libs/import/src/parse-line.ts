/**
 * One import line read on its own: JSON, the line's fields, the text rule, the event data's JSON
 * Schema, the device id and the event id (docs/import.md, "What happens to each line", steps 1–4).
 * Nothing here reads the store or depends on other lines, so it runs the same in the importer's
 * thread and in its parse workers (parse-worker.ts).
 */
import { hash } from 'node:crypto';
import {
  deviceIdOf,
  identifierOfProduct,
  DomainError,
  isDeviceEventType,
  isWellFormedDeviceId,
  type DeviceEventType,
  type EventDataByType,
} from '#kierto/domain';
import { DEFAULT_LIMITS, type JsonObject, type StoreLimits } from '#kierto/event-store';
import { findTextProblem, TEXT_RULE_MESSAGE } from '#kierto/schemas';
import { withIsoCountryCodes } from '#kierto/schemas';
import { validateEventData } from '#kierto/schemas';

/** Error codes of the import itself; domain and schema codes are passed through. */
export const ImportErrorCodes = {
  invalidJson: 'INVALID_JSON',
  invalidLine: 'INVALID_LINE',
  unknownEventType: 'UNKNOWN_EVENT_TYPE',
  missingDeviceId: 'DEVICE_ID_REQUIRED',
  invalidDeviceId: 'INVALID_DEVICE_ID',
  lineTooLarge: 'LINE_TOO_LARGE',
  /** The text rule of every entry (text-safety.ts): a NUL or a lone surrogate in a string. */
  invalidCharacter: 'INVALID_CHARACTER',
  /** Bytes of the line that are not UTF-8 (they would otherwise be read as U+FFFD). */
  invalidUtf8: 'INVALID_UTF8',
  nestingTooDeep: 'NESTING_TOO_DEEP',
  precedingLineRefused: 'PRECEDING_LINE_REFUSED',
  forbidden: 'FORBIDDEN',
} as const;

const LINE_FIELDS = new Set(['type', 'deviceId', 'occurredAt', 'eventId', 'data']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A line that passed parsing and schema validation, waiting for its batch. */
export interface PendingLine {
  readonly line: number;
  readonly deviceId: string;
  readonly type: DeviceEventType;
  readonly occurredAt: string;
  /** The id of the (first) event the line records: its own eventId, or importEventId. */
  readonly eventId: string;
  /** The line's data as parsed: plain JSON, stored as it is when decide passes it through. */
  readonly data: JsonObject;
  /** The same object, typed by the schema it passed: the data of the line's command. */
  readonly eventData: EventDataByType[DeviceEventType];
}

export class LineError extends Error {
  constructor(
    readonly code: string,
    readonly field: string,
    message: string,
    readonly deviceId: string | null = null,
  ) {
    super(message);
  }
}

/**
 * The event id of an imported line: its own eventId, or a UUID (version 8) of the device id and the
 * line's bytes, so the same line always maps to the same event (hashing the text, not a canonical
 * form of the parsed JSON, is measurably cheaper; a re-formatted line counts as a different line).
 */
export function importEventId(deviceId: string, lineText: string): string {
  // One-shot hash of the same bytes as update(prefix).update(line): about half the cost per line.
  const hex = hash('sha256', `kierto-import\n${deviceId}\n${lineText}`, 'hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

/** Parses and validates one line; throws LineError. */
export function parseImportLine(text: string, lineNumber: number, limits: StoreLimits = DEFAULT_LIMITS): PendingLine {
  if (Buffer.byteLength(text, 'utf8') > limits.maxEventBytes) {
    throw new LineError(ImportErrorCodes.lineTooLarge, '', `A line holds at most ${limits.maxEventBytes} bytes`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LineError(ImportErrorCodes.invalidJson, '', `Not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new LineError(ImportErrorCodes.invalidLine, '', 'A line is one JSON object');
  }
  const line = parsed as Record<string, unknown>;
  // The text rule before anything reads the line. A parsed string can hold a NUL or a lone surrogate
  // only if the text has a \u escape (JSON forbids the raw NUL, and decoding UTF-8 never yields a
  // surrogate), so most lines skip the walk. Its device id is not echoed when it is the field at fault.
  const textProblem = text.includes('\\u') ? findTextProblem(line) : null;
  if (textProblem !== null) {
    const echoed = textProblem.field === 'deviceId' || typeof line['deviceId'] !== 'string' ? null : line['deviceId'];
    throw textProblem.problem === 'character'
      ? new LineError(ImportErrorCodes.invalidCharacter, textProblem.field, TEXT_RULE_MESSAGE, echoed)
      : new LineError(ImportErrorCodes.nestingTooDeep, textProblem.field, 'Arrays and objects nest too deeply', echoed);
  }
  const given = typeof line['deviceId'] === 'string' ? line['deviceId'] : null;
  const fail = (code: string, field: string, message: string): never => {
    throw new LineError(code, field, message, given);
  };
  for (const key of Object.keys(line)) {
    if (!LINE_FIELDS.has(key)) fail('UNKNOWN_FIELD', key, `Unknown field ${key}`);
  }
  const type = line['type'];
  if (typeof type !== 'string') return fail('REQUIRED', 'type', 'type is required: the event type');
  if (!isDeviceEventType(type))
    return fail(ImportErrorCodes.unknownEventType, 'type', `${type} is not a device event type`);
  const occurredAt = line['occurredAt'];
  if (typeof occurredAt !== 'string')
    return fail('REQUIRED', 'occurredAt', 'occurredAt is required (ISO 8601 date-time)');
  const eventId = line['eventId'];
  if (eventId !== undefined && (typeof eventId !== 'string' || !UUID.test(eventId))) {
    fail('INVALID_FORMAT', 'eventId', 'eventId is a UUID');
  }
  if (line['deviceId'] !== undefined && (given === null || !isWellFormedDeviceId(given))) {
    fail(ImportErrorCodes.invalidDeviceId, 'deviceId', 'deviceId is not a Kierto device id');
  }
  // Eurostat's EL and UK are taken as GR and GB, as in request bodies: the stored event holds ISO codes.
  const data = withIsoCountryCodes(line['data']);
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return fail('REQUIRED', 'data', 'data is required: an object');
  const validation = validateEventData(type, data);
  if (!validation.ok) {
    const [first, ...more] = validation.errors;
    const field = first?.field ? `data.${first.field}` : 'data';
    const message = validation.errors.map((issue) => `${issue.field || 'data'}: ${issue.message}`).join('; ');
    return fail(first?.code ?? 'INVALID', field, more.length > 0 ? `${message}` : message);
  }
  const deviceId = given ?? derivedDeviceId(type, data as Record<string, unknown>);
  return {
    line: lineNumber,
    deviceId,
    type,
    occurredAt,
    data: data as JsonObject,
    eventData: validation.value,
    eventId: typeof eventId === 'string' ? eventId.toLowerCase() : importEventId(deviceId, text.trim()),
  };
}

function derivedDeviceId(type: DeviceEventType, data: Record<string, unknown>): string {
  const product = data['product'] as { gtin?: string; manufacturer: string; serialNumber: string } | undefined;
  if ((type !== 'DevicePlacedOnMarket' && type !== 'DeviceCollected') || product === undefined) {
    throw new LineError(
      ImportErrorCodes.missingDeviceId,
      'deviceId',
      'deviceId is required unless the line starts a history with a product description',
    );
  }
  try {
    return deviceIdOf(identifierOfProduct(product), 'data.product.');
  } catch (error) {
    if (error instanceof DomainError) throw new LineError(error.code, error.field ?? '', error.message);
    throw error;
  }
}

/** Why a line was refused before its batch, as it travels between threads (an Error loses its fields). */
export interface LineRefusal {
  readonly code: string;
  readonly field: string;
  readonly message: string;
  readonly deviceId: string | null;
}

/** A line parsed, or the refusal of it. */
export type ParsedLine =
  { readonly ok: true; readonly line: PendingLine } | { readonly ok: false; readonly refusal: LineRefusal };

/** parseImportLine, with a refused line as a value instead of a LineError thrown. */
export function parseLine(text: string, lineNumber: number, limits: StoreLimits): ParsedLine {
  try {
    return { ok: true, line: parseImportLine(text, lineNumber, limits) };
  } catch (error) {
    if (!(error instanceof LineError)) throw error;
    const { code, field, message, deviceId } = error;
    return { ok: false, refusal: { code, field, message, deviceId } };
  }
}
