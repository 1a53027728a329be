/**
 * The identifiers Kierto's standard formats share (docs/interop.md, "Identifiers"): the URI of a
 * device (an EPC in EPCIS, the product id in UNTP) and the URI of an event.
 */
import { digitalLinkPathOf } from '#kierto/domain';

/** GS1's canonical resolver: the Digital Link URI that identifies an item whatever resolves it. */
export const GS1_CANONICAL_ORIGIN = 'https://id.gs1.org';

/**
 * Kierto's URN for devices without a GTIN (manufacturer + serial). Not a registered URN namespace:
 * there is no standard identifier for them, and the device id is already URI-safe (ADR 0004).
 */
export const DEVICE_URN_PREFIX = 'urn:kierto:device:';

/**
 * The URI of a device: its canonical GS1 Digital Link (`https://id.gs1.org/01/{gtin14}/21/{serial}`)
 * when it has a GTIN, else `urn:kierto:device:{deviceId}`.
 */
export function deviceUri(deviceId: string): string {
  const path = digitalLinkPathOf(deviceId);
  return path === null ? `${DEVICE_URN_PREFIX}${deviceId}` : `${GS1_CANONICAL_ORIGIN}${path}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The URI of a stored event: `urn:uuid:` for UUID ids (the usual case), else a Kierto URN. */
export function eventUri(eventId: string): string {
  return UUID.test(eventId) ? `urn:uuid:${eventId.toLowerCase()}` : `urn:kierto:event:${encodeURIComponent(eventId)}`;
}

/**
 * The UTC offset of an ISO 8601 timestamp as EPCIS writes it (`+02:00`; `Z` is `+00:00`), or
 * `+00:00` when the text has none (Kierto's timestamps always have one: the domain refuses others).
 */
export function timeZoneOffsetOf(timestamp: string): string {
  const match = /([+-])(\d{2}):?(\d{2})$/.exec(timestamp);
  return match === null ? '+00:00' : `${match[1] ?? '+'}${match[2] ?? '00'}:${match[3] ?? '00'}`;
}
