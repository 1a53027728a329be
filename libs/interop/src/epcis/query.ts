/**
 * The subset of the EPCIS 2.0 REST query interface Kierto answers (`GET /epcis/events`,
 * docs/interop.md): parameters parsed into a query, and the test an event passes. Pure.
 */
import { deviceIdOf, isWellFormedDeviceId, parseTimestamp } from '#kierto/domain';
import { parseItemLink } from '../gs1/digital-link.js';
import { DEVICE_URN_PREFIX } from './identifiers.js';
import type { EpcisObjectEvent } from './events.js';

export const EPCIS_QUERY_PARAMETERS = [
  'MATCH_anyEPC',
  'GE_eventTime',
  'LT_eventTime',
  'EQ_bizStep',
  'eventType',
  'perPage',
  'nextPageToken',
] as const;

export const DEFAULT_PER_PAGE = 100;
export const MAX_PER_PAGE = 1000;

export interface EpcisQuery {
  /** The devices asked for by MATCH_anyEPC, or null for every device. */
  readonly deviceIds: readonly string[] | null;
  /** Epoch milliseconds, inclusive. */
  readonly geEventTime: number | null;
  /** Epoch milliseconds, exclusive. */
  readonly ltEventTime: number | null;
  /** Business steps as full URIs (CBV words expanded), or null for any. */
  readonly bizSteps: readonly string[] | null;
  readonly perPage: number;
  /** Global position after which this page starts (from nextPageToken), 0 for the first page. */
  readonly after: number;
}

/** A parameter Kierto cannot answer: `code` as in docs/api-errors.md field codes. */
export class EpcisQueryError extends Error {
  constructor(
    readonly field: string,
    readonly code: 'UNKNOWN_FIELD' | 'INVALID_VALUE' | 'INVALID_FORMAT' | 'OUT_OF_RANGE' | 'INVALID_PAGE_TOKEN',
    message: string,
  ) {
    super(message);
  }
}

/** CBV 2.0 business steps are written as bare words in EPCIS JSON-LD; this is what they expand to. */
const CBV_BIZ_STEP = 'https://ref.gs1.org/cbv/BizStep-';

/** A bizStep as written in an event or a query, as a full URI, so that both spellings match. */
export function bizStepUri(bizStep: string): string {
  return /^[a-z_]+$/.test(bizStep) ? `${CBV_BIZ_STEP}${bizStep}` : bizStep;
}

type Raw = Readonly<Record<string, unknown>>;

/**
 * The values of a list parameter: repeated (`?EQ_bizStep=a&EQ_bizStep=b`) and/or separated by `|`,
 * the separator of the EPCIS 2.0 REST binding's lists.
 */
function listOf(raw: Raw, name: string): string[] | null {
  const value = raw[name];
  if (value === undefined) return null;
  const values = (Array.isArray(value) ? value : [value]).map((item: unknown) => {
    if (typeof item !== 'string') throw new EpcisQueryError(name, 'INVALID_VALUE', `${name} must be text`);
    return item;
  });
  const parts = values.flatMap((item) => item.split('|')).filter((item) => item !== '');
  if (parts.length === 0) throw new EpcisQueryError(name, 'INVALID_VALUE', `${name} needs at least one value`);
  return parts;
}

function single(raw: Raw, name: string): string | null {
  const value = raw[name];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw new EpcisQueryError(name, 'INVALID_VALUE', `${name} may be given once`);
  return value;
}

/**
 * The device id an EPC stands for: a GS1 Digital Link URI `[/{stem}]/01/{gtin}[/22/…][/10/…]/21/{serial}` on
 * any host (the canonical https://id.gs1.org or this deployment's), or `urn:kierto:device:{deviceId}`;
 * null otherwise.
 */
export function deviceIdOfEpc(epc: string): string | null {
  if (epc.startsWith(DEVICE_URN_PREFIX)) {
    const deviceId = epc.slice(DEVICE_URN_PREFIX.length);
    return isWellFormedDeviceId(deviceId) ? deviceId : null;
  }
  let url: URL;
  try {
    url = new URL(epc);
  } catch {
    return null;
  }
  if (url.search !== '' || url.hash !== '') return null;
  try {
    // The GS1 grammar's parser (../gs1); a lot or variant qualifier does not change the unit.
    const item = parseItemLink(url.pathname);
    return deviceIdOf({ gtin: item.gtin, serialNumber: item.serial });
  } catch {
    return null;
  }
}

function timeOf(raw: Raw, name: string): number | null {
  const value = single(raw, name);
  if (value === null) return null;
  try {
    return parseTimestamp(value, name);
  } catch {
    throw new EpcisQueryError(
      name,
      'INVALID_FORMAT',
      `${name} must be a date-time with a time zone, such as 2026-01-01T00:00:00Z`,
    );
  }
}

/** The page token is the global position of the last event of the previous page, in base 10. */
export function pageToken(position: number): string {
  return String(position);
}

/** Parses the query string of `GET /epcis/events`; throws EpcisQueryError for what it cannot answer. */
export function parseEpcisQuery(raw: Raw): EpcisQuery {
  for (const name of Object.keys(raw)) {
    if (!(EPCIS_QUERY_PARAMETERS as readonly string[]).includes(name)) {
      throw new EpcisQueryError(
        name,
        'UNKNOWN_FIELD',
        `${name} is not a query parameter Kierto answers (${EPCIS_QUERY_PARAMETERS.join(', ')})`,
      );
    }
  }
  const eventTypes = listOf(raw, 'eventType');
  const unanswerable = eventTypes?.find((type) => type !== 'ObjectEvent');
  if (unanswerable !== undefined) {
    throw new EpcisQueryError(
      'eventType',
      'INVALID_VALUE',
      `Kierto records every lifecycle event as an ObjectEvent; it has no ${unanswerable}`,
    );
  }
  const epcs = listOf(raw, 'MATCH_anyEPC');
  const deviceIds = epcs?.map((epc) => {
    const deviceId = deviceIdOfEpc(epc);
    if (deviceId === null) {
      throw new EpcisQueryError(
        'MATCH_anyEPC',
        'INVALID_VALUE',
        `${epc} is not a device EPC: give a GS1 Digital Link URI …/01/{gtin}/21/{serial} or urn:kierto:device:{deviceId}`,
      );
    }
    return deviceId;
  });
  const perPageText = single(raw, 'perPage');
  const perPage = perPageText === null ? DEFAULT_PER_PAGE : Number(perPageText);
  if (!/^\d+$/.test(perPageText ?? '1') || perPage < 1 || perPage > MAX_PER_PAGE) {
    throw new EpcisQueryError('perPage', 'OUT_OF_RANGE', `perPage must be an integer from 1 to ${MAX_PER_PAGE}`);
  }
  const token = single(raw, 'nextPageToken');
  if (token !== null && !/^\d{1,15}$/.test(token)) {
    throw new EpcisQueryError(
      'nextPageToken',
      'INVALID_PAGE_TOKEN',
      'nextPageToken must be one given in a Link header',
    );
  }
  return {
    deviceIds: deviceIds === undefined ? null : [...new Set(deviceIds)],
    geEventTime: timeOf(raw, 'GE_eventTime'),
    ltEventTime: timeOf(raw, 'LT_eventTime'),
    bizSteps: listOf(raw, 'EQ_bizStep')?.map(bizStepUri) ?? null,
    perPage,
    after: token === null ? 0 : Number(token),
  };
}

/** Whether an event answers the query's filters (devices are selected before: see deviceIds). */
export function matchesEpcisQuery(event: EpcisObjectEvent, query: EpcisQuery): boolean {
  const time = Date.parse(event.eventTime);
  if (query.geEventTime !== null && time < query.geEventTime) return false;
  if (query.ltEventTime !== null && time >= query.ltEventTime) return false;
  if (query.bizSteps !== null && !query.bizSteps.includes(bizStepUri(event.bizStep))) return false;
  return true;
}
