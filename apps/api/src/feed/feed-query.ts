/**
 * What a caller of the event feed asks for (GET /feed, docs/feed.md) and what it may read. The feed
 * carries the same full envelopes as GET /devices/{id}/events, so it needs that route's permission,
 * `device:read-history`, and the read scope `all` (libs/access: auditors and admins): one permission
 * model, not a second one. Should a role ever hold `device:read-history` with a narrower scope, the
 * feed refuses it rather than leak other organisations' envelopes.
 */
import { DOMAIN_EVENT_TYPES, isWellFormedDeviceId } from '#kierto/domain';
import { hasPermission, readScope, type Organisation } from '#kierto/access';
import type { StoredEvent } from '#kierto/event-store';
import { ApiError, type FieldError } from '../http/api-error.js';

export const FEED_PERMISSION = 'device:read-history';
export const DEFAULT_FEED_LIMIT = 100;
export const MAX_FEED_LIMIT = 1_000;
/** Longest long-poll a caller may ask for: below the idle timeouts of common proxies (60 s). */
export const MAX_WAIT_SECONDS = 30;
/** Most device ids one feed or subscription filters on. */
export const MAX_FEED_DEVICE_IDS = 100;

/** Which events of the log a reader wants: null means any. */
export interface FeedFilter {
  readonly eventTypes: readonly string[] | null;
  readonly deviceIds: readonly string[] | null;
}

export const EVERYTHING: FeedFilter = { eventTypes: null, deviceIds: null };

export interface FeedQuery {
  readonly after: number;
  readonly limit: number;
  readonly waitSeconds: number;
  readonly filter: FeedFilter;
}

export function matchesFilter(filter: FeedFilter, event: StoredEvent): boolean {
  return (
    (filter.eventTypes === null || filter.eventTypes.includes(event.type)) &&
    (filter.deviceIds === null || filter.deviceIds.includes(event.streamId))
  );
}

/** Null when the organisation may read the feed, else why not (the guard has checked the permission). */
export function feedRefusal(organisation: Organisation): string | null {
  if (!hasPermission(organisation.roles, FEED_PERMISSION)) {
    return `Your organisation's roles do not allow ${FEED_PERMISSION}`;
  }
  if (readScope(organisation).kind !== 'all') {
    return 'The feed carries every organisation’s full envelopes: it needs a role that reads all (auditor, admin)';
  }
  return null;
}

/**
 * `after` (a global position, default 0), `limit` (1–1000, default 100), `wait` (seconds of
 * long-poll, 0–30, default 0), `types` (comma-separated event types), `deviceId` (repeatable).
 */
export function parseFeedQuery(raw: Record<string, unknown>): FeedQuery {
  const errors: FieldError[] = [];
  for (const name of Object.keys(raw)) {
    if (!['after', 'limit', 'wait', 'types', 'deviceId'].includes(name)) {
      errors.push({ field: name, code: 'UNKNOWN_FIELD', message: `Unknown query parameter ${name}` });
    }
  }
  const after = integerParameter(raw, 'after', 0, 0, Number.MAX_SAFE_INTEGER, errors);
  const limit = integerParameter(raw, 'limit', DEFAULT_FEED_LIMIT, 1, MAX_FEED_LIMIT, errors);
  const waitSeconds = integerParameter(raw, 'wait', 0, 0, MAX_WAIT_SECONDS, errors);
  const typesRaw = single(raw, 'types', errors);
  const eventTypes = typesRaw === undefined ? null : checkEventTypes(typesRaw.split(','), 'types', errors);
  const deviceRaw = raw['deviceId'];
  const deviceList = deviceRaw === undefined ? null : Array.isArray(deviceRaw) ? deviceRaw : [deviceRaw];
  const deviceIds = deviceList === null ? null : checkDeviceIds(deviceList, 'deviceId', errors);
  if (errors.length > 0) throw new ApiError(400, 'VALIDATION_FAILED', 'The feed query is invalid', errors);
  return { after, limit, waitSeconds, filter: { eventTypes, deviceIds } };
}

/** Event types named by a query or a subscription; each must be one Kierto records. */
export function checkEventTypes(types: readonly unknown[], field: string, errors: FieldError[]): string[] {
  const known: readonly string[] = DOMAIN_EVENT_TYPES;
  const valid: string[] = [];
  types.forEach((type, index) => {
    if (typeof type === 'string' && known.includes(type)) {
      if (!valid.includes(type)) valid.push(type);
      return;
    }
    errors.push({
      field: `${field}[${index}]`,
      code: 'UNKNOWN_EVENT_TYPE',
      message: `${String(type)} is not an event type; one of ${known.join(', ')}`,
    });
  });
  if (types.length === 0) errors.push({ field, code: 'INVALID_VALUE', message: 'Name at least one event type' });
  return valid;
}

export function checkDeviceIds(ids: readonly unknown[], field: string, errors: FieldError[]): string[] {
  if (ids.length === 0 || ids.length > MAX_FEED_DEVICE_IDS) {
    errors.push({ field, code: 'INVALID_VALUE', message: `Name 1 to ${MAX_FEED_DEVICE_IDS} device ids` });
    return [];
  }
  const valid: string[] = [];
  ids.forEach((id, index) => {
    if (typeof id === 'string' && isWellFormedDeviceId(id)) {
      if (!valid.includes(id)) valid.push(id);
      return;
    }
    errors.push({
      field: `${field}[${index}]`,
      code: 'INVALID_DEVICE_ID',
      message: `${String(id)} is not a Kierto device id (gtin:… or mfr:…)`,
    });
  });
  return valid;
}

/** `Last-Event-ID` of a reconnecting Server-Sent Events client: the position it saw last. */
export function parseLastEventId(header: string | undefined): number | null {
  if (header === undefined || header.trim() === '') return null;
  const value = header.trim();
  if (!/^\d{1,15}$/.test(value)) {
    const message = 'Last-Event-ID must be a global position (the id: of an event this feed sent)';
    throw new ApiError(400, 'VALIDATION_FAILED', message, [{ field: 'Last-Event-ID', code: 'INVALID_VALUE', message }]);
  }
  return Number(value);
}

function single(raw: Record<string, unknown>, name: string, errors: FieldError[]): string | undefined {
  const value = raw[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    errors.push({ field: name, code: 'INVALID_VALUE', message: `Give ${name} once` });
    return undefined;
  }
  return value;
}

function integerParameter(
  raw: Record<string, unknown>,
  name: string,
  fallback: number,
  min: number,
  max: number,
  errors: FieldError[],
): number {
  const value = single(raw, name, errors);
  if (value === undefined) return fallback;
  const number = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    errors.push({ field: name, code: 'INVALID_VALUE', message: `${name} must be an integer from ${min} to ${max}` });
    return fallback;
  }
  return number;
}
