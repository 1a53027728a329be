/**
 * Each event serialised once per append, before any lock: the canonical JSON of its data and metadata
 * (which the size limits measure, the hash covers and the PostgreSQL rows carry) and the canonical
 * text of the part of the envelope that does not depend on where the event lands.
 *
 * The canonical envelope's members in key order are actor, causationId, correlationId, data, eventId,
 * globalPosition, metadata, occurredAt, prevHash, recordedAt, schemaVersion, streamId, streamRevision,
 * type. Everything before globalPosition (data, usually the largest part, included) is known before
 * the append takes the store's write lock, so its text is built then; under the lock only the short
 * rest is written, and one SHA-256 runs over both. Building the canonical text is what costs; the
 * SHA-256 of a few hundred bytes is cheap, and a one-shot `hash()` creates no Hash object (a
 * prepared Hash state per event, tried first, cost more in garbage collection than it saved).
 * The digest is byte for byte what `hashEvent` gives (prepared-event.spec.ts checks it), so the chain
 * and `audit verify` see no difference.
 */
import { hash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { hashEvent } from './hash-chain.js';
import type { NewEvent, StoredEvent } from './port.js';

export interface PreparedEvent {
  /** Canonical JSON of data: the same characters JSON.stringify writes, with keys sorted. */
  readonly dataJson: string;
  /** Canonical JSON of metadata. */
  readonly metadataJson: string;
  /** UTF-8 bytes of data and metadata as JSON: what the store's size limits measure. */
  readonly bytes: number;
  /**
   * The canonical envelope up to `"data":` and from after data up to and including
   * `"globalPosition":`, kept apart from dataJson so the data's text is held once (these strings
   * live until the batch is written). Null when an envelope field is missing (a JavaScript caller),
   * which the canonical form would leave out, so such an event is hashed whole with `hashEvent`.
   */
  readonly envelope: { readonly beforeData: string; readonly afterData: string } | null;
}

/** Where an event lands: what the hash covers besides the caller's envelope. */
export interface Placement {
  readonly streamId: string;
  readonly streamRevision: number;
  readonly globalPosition: number;
  readonly recordedAt: string;
  readonly prevHash: string;
}

export function prepareEvent(event: NewEvent): PreparedEvent {
  const dataJson = canonicalJson(event.data);
  const metadataJson = canonicalJson(event.metadata);
  const bytes = Buffer.byteLength(dataJson, 'utf8') + Buffer.byteLength(metadataJson, 'utf8');
  return { dataJson, metadataJson, bytes, envelope: envelopeOf(event) };
}

/** The event's hash at this placement, equal to `hashEvent` of the sealed envelope. */
export function hashPrepared(
  event: NewEvent,
  prepared: PreparedEvent,
  placement: Placement,
  unhashed: () => Omit<StoredEvent, 'hash'>,
): string {
  const { envelope } = prepared;
  if (envelope === null) return hashEvent(unhashed());
  const rest =
    `${canonicalJson(placement.globalPosition)},"metadata":${prepared.metadataJson}` +
    `,"occurredAt":${canonicalJson(event.occurredAt)},"prevHash":${canonicalJson(placement.prevHash)}` +
    `,"recordedAt":${canonicalJson(placement.recordedAt)},"schemaVersion":${canonicalJson(event.schemaVersion)}` +
    `,"streamId":${canonicalJson(placement.streamId)},"streamRevision":${canonicalJson(placement.streamRevision)}` +
    `,"type":${canonicalJson(event.type)}}`;
  return hash('sha256', envelope.beforeData + prepared.dataJson + envelope.afterData + rest, 'hex');
}

function envelopeOf(event: NewEvent): PreparedEvent['envelope'] {
  const causationId = event.causationId ?? null;
  const fields: readonly unknown[] = [
    event.actor?.keyId,
    event.actor?.organisationId,
    event.actor?.role,
    event.correlationId,
    event.eventId,
    event.occurredAt,
    event.schemaVersion,
    event.type,
  ];
  if (fields.some((field) => field === undefined)) return null;
  return {
    beforeData:
      `{"actor":{"keyId":${canonicalJson(event.actor.keyId)},"organisationId":${canonicalJson(event.actor.organisationId)}` +
      `,"role":${canonicalJson(event.actor.role)}},"causationId":${canonicalJson(causationId)}` +
      `,"correlationId":${canonicalJson(event.correlationId)},"data":`,
    afterData: `,"eventId":${canonicalJson(event.eventId)},"globalPosition":`,
  };
}
