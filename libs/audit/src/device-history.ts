/**
 * Replay for auditors: a device's whole stream in order, each event with its actor, position,
 * hashes and whether its stored hash still matches its content. The chain between events of
 * different streams is `verify`'s job; this answers "what happened to this device, and who said so".
 */
import { hashEvent } from '#kierto/event-store';
import type { EventStore, StoredEvent } from '#kierto/event-store';
import { orderedEnvelope } from './envelope.js';

export type AuditedEvent = StoredEvent & {
  /** The stored hash equals the hash recomputed from the stored content. */
  readonly hashValid: boolean;
};

export interface DeviceAuditHistory {
  readonly deviceId: string;
  readonly events: readonly AuditedEvent[];
}

/** The device's history, or null when no event of it is stored. */
export async function deviceHistory(store: EventStore, deviceId: string): Promise<DeviceAuditHistory | null> {
  const events = await store.readStream(deviceId);
  if (events.length === 0) return null;
  return {
    deviceId,
    events: events.map((event) => ({ ...orderedEnvelope(event), hashValid: hashEvent(event) === event.hash })),
  };
}
