import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import type { JsonObject, StoredEvent } from './port.js';

/** prevHash of the store's first event. */
export const GENESIS_HASH = '0'.repeat(64);

export type UnhashedEvent = Omit<StoredEvent, 'hash'>;

/**
 * Exactly the envelope fields a hash covers (every field but `hash`), as a fresh object in the
 * envelope's order: what is hashed here, what bundles write, and what readers compare.
 */
export function unhashedEnvelope(event: UnhashedEvent): UnhashedEvent {
  return {
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    streamId: event.streamId,
    streamRevision: event.streamRevision,
    globalPosition: event.globalPosition,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    actor: { organisationId: event.actor.organisationId, role: event.actor.role, keyId: event.actor.keyId },
    correlationId: event.correlationId,
    causationId: event.causationId,
    data: event.data,
    metadata: event.metadata,
    prevHash: event.prevHash,
  };
}

/**
 * hash = hex(SHA-256(UTF-8(canonicalJson(event without `hash`)))), where the hashed object includes
 * prevHash, so every hash covers the whole history before it. docs/hash-chain.md has a worked example.
 */
export function hashEvent(event: UnhashedEvent): string {
  const hashed = unhashedEnvelope(event) as unknown as JsonObject;
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
}

export function sealEvent(event: UnhashedEvent): StoredEvent {
  return { ...event, hash: hashEvent(event) };
}
