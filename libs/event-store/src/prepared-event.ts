/**
 * Each event serialised once per append, before any lock: the canonical JSON of its data and metadata
 * (which the size limits measure, the hash covers and the PostgreSQL rows carry) and the SHA-256
 * state over the part of the canonical envelope that does not depend on where the event lands.
 *
 * The canonical envelope's members in key order are actor, causationId, correlationId, data, eventId,
 * globalPosition, metadata, occurredAt, prevHash, recordedAt, schemaVersion, streamId, streamRevision,
 * type. Everything before globalPosition (data, usually the largest part, included) is known before
 * the append takes the store's write lock, so it is hashed then; under the lock only the short rest is
 * hashed, from a copy of that state. The digest is byte for byte what `hashEvent` gives
 * (prepared-event.spec.ts checks it), so the chain and `audit verify` see no difference.
 */
import { createHash, type Hash } from 'node:crypto';
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
   * SHA-256 over the canonical envelope up to and including `"globalPosition":`; null when an
   * envelope field is missing (a JavaScript caller), which the canonical form would leave out, so
   * such an event is hashed whole with `hashEvent`.
   */
  readonly hashPrefix: Hash | null;
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
  return { dataJson, metadataJson, bytes, hashPrefix: hashPrefixOf(event, dataJson) };
}

/** The event's hash at this placement, equal to `hashEvent` of the sealed envelope. */
export function hashPrepared(
  event: NewEvent,
  prepared: PreparedEvent,
  placement: Placement,
  unhashed: () => Omit<StoredEvent, 'hash'>,
): string {
  if (prepared.hashPrefix === null) return hashEvent(unhashed());
  const rest =
    `${canonicalJson(placement.globalPosition)},"metadata":${prepared.metadataJson}` +
    `,"occurredAt":${canonicalJson(event.occurredAt)},"prevHash":${canonicalJson(placement.prevHash)}` +
    `,"recordedAt":${canonicalJson(placement.recordedAt)},"schemaVersion":${canonicalJson(event.schemaVersion)}` +
    `,"streamId":${canonicalJson(placement.streamId)},"streamRevision":${canonicalJson(placement.streamRevision)}` +
    `,"type":${canonicalJson(event.type)}}`;
  // copy(): the prepared state stays reusable when an append is planned a second time.
  return prepared.hashPrefix.copy().update(rest, 'utf8').digest('hex');
}

function hashPrefixOf(event: NewEvent, dataJson: string): Hash | null {
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
  const prefix =
    `{"actor":{"keyId":${canonicalJson(event.actor.keyId)},"organisationId":${canonicalJson(event.actor.organisationId)}` +
    `,"role":${canonicalJson(event.actor.role)}},"causationId":${canonicalJson(causationId)}` +
    `,"correlationId":${canonicalJson(event.correlationId)},"data":${dataJson}` +
    `,"eventId":${canonicalJson(event.eventId)},"globalPosition":`;
  return createHash('sha256').update(prefix, 'utf8');
}
