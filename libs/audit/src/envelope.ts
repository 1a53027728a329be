/**
 * Stored events as audit output writes them and reads them back: a fixed key order (so an exported
 * file has one exact textual form) and strict parsing (so a file that is not an event is refused
 * with the field at fault, instead of being hashed as something else).
 */
import { unhashedEnvelope } from '#kierto/event-store';
import type { JsonValue, StoredEvent } from '#kierto/event-store';
import { exactObject, hashAt, integerAt, nullableStringAt, objectAt, stringAt } from './json-shape.js';

/** The envelope's keys in output order: the hashed fields (docs/hash-chain.md), then `hash`. */
export const ENVELOPE_KEYS = [
  'eventId',
  'type',
  'schemaVersion',
  'streamId',
  'streamRevision',
  'globalPosition',
  'occurredAt',
  'recordedAt',
  'actor',
  'correlationId',
  'causationId',
  'data',
  'metadata',
  'prevHash',
  'hash',
] as const;

const ACTOR_KEYS = ['organisationId', 'role', 'keyId'] as const;

/** A copy with exactly the envelope's keys, in ENVELOPE_KEYS order. */
export function orderedEnvelope(event: StoredEvent): StoredEvent {
  return { ...unhashedEnvelope(event), hash: event.hash };
}

/** Reads one stored event from untrusted JSON: exact keys, exact types. */
export function eventFromJson(value: JsonValue | undefined, where: string): StoredEvent {
  const object = exactObject(value, ENVELOPE_KEYS, where);
  const actor = exactObject(object['actor'], ACTOR_KEYS, `${where}.actor`);
  return {
    eventId: stringAt(object, 'eventId', where),
    type: stringAt(object, 'type', where),
    schemaVersion: integerAt(object, 'schemaVersion', where, 0),
    streamId: stringAt(object, 'streamId', where),
    streamRevision: integerAt(object, 'streamRevision', where, 0),
    globalPosition: integerAt(object, 'globalPosition', where, 1),
    occurredAt: stringAt(object, 'occurredAt', where),
    recordedAt: stringAt(object, 'recordedAt', where),
    actor: {
      organisationId: stringAt(actor, 'organisationId', `${where}.actor`),
      role: stringAt(actor, 'role', `${where}.actor`),
      keyId: stringAt(actor, 'keyId', `${where}.actor`),
    },
    correlationId: stringAt(object, 'correlationId', where),
    causationId: nullableStringAt(object, 'causationId', where),
    data: objectAt(object, 'data', where),
    metadata: objectAt(object, 'metadata', where),
    prevHash: hashAt(object, 'prevHash', where),
    hash: hashAt(object, 'hash', where),
  };
}
