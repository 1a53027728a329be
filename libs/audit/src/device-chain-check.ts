/**
 * Each of one device's events checked against the chain around it (docs/audit.md, "Replay"), for the
 * auditor's timeline: what `deviceHistory`'s `hashValid` says (the stored hash is the hash of the
 * stored content), and also that the event is linked where it stands. Without reading the whole log:
 * per event, the event just before it and the one just after it (two `readAll` of one event).
 *
 * - before: `checkEvent` (the same check `verify` runs) with the hash of the event at position − 1,
 *   so an event inserted before it, moved, or whose neighbour was deleted shows here;
 * - after: the event at position + 1 must name this event's hash as its `prevHash`, so an event whose
 *   content was edited and whose hash was then recomputed (its own hash matches again) still shows;
 * - revisions: the device's events must be revisions 0, 1, 2, … (a deleted event of the device).
 *
 * What it cannot see is what only the whole chain shows (a cut-off tail, a history re-hashed from the
 * device's first event to the head): that is `verifyChain`, shown beside it on the auditor's page.
 */
import { GENESIS_HASH } from '#kierto/event-store';
import type { EventStore, StoredEvent } from '#kierto/event-store';
import { checkEvent, type ChainFailureReason } from './verify-chain.js';

/** Why an event of the device does not check out where it stands. */
export type DeviceEventFailure =
  /** As in `verify`: here only hash-mismatch, broken-link, position-gap, position-order and revision-gap occur. */
  | ChainFailureReason
  /** The next event in the log links to another hash: this event's hash was rewritten after it was stored. */
  | 'next-link';

export type DeviceEventCheck =
  { readonly ok: true } | { readonly ok: false; readonly reason: DeviceEventFailure; readonly detail: string };

export interface CheckedDeviceEvent {
  readonly event: StoredEvent;
  readonly check: DeviceEventCheck;
}

export interface CheckedDeviceHistory {
  readonly deviceId: string;
  /** The device's events in stream order, each with its check. */
  readonly events: readonly CheckedDeviceEvent[];
  /** How many of them failed a check. */
  readonly failures: number;
}

/** The device's events with their checks, or null when no event of it is stored. */
export async function checkDeviceChain(store: EventStore, deviceId: string): Promise<CheckedDeviceHistory | null> {
  const stream = await store.readStream(deviceId);
  if (stream.length === 0) return null;
  const events: CheckedDeviceEvent[] = [];
  for (const [index, event] of stream.entries()) {
    events.push({ event, check: await checkOne(store, event, index) });
  }
  return { deviceId, events, failures: events.filter((checked) => !checked.check.ok).length };
}

async function checkOne(store: EventStore, event: StoredEvent, expectedRevision: number): Promise<DeviceEventCheck> {
  const position = event.globalPosition;
  const previous = position > 1 ? await eventAt(store, position - 1) : null;
  if (position > 1 && previous === null) {
    return {
      ok: false,
      reason: 'position-gap',
      detail: `No event is stored at position ${position - 1}, just before this one: an event was deleted`,
    };
  }
  const failure = checkEvent(event, position, previous?.hash ?? GENESIS_HASH);
  if (failure !== null) return { ok: false, reason: failure.reason, detail: failure.detail };
  if (event.streamRevision !== expectedRevision) {
    return {
      ok: false,
      reason: 'revision-gap',
      detail: `This is revision ${event.streamRevision} of ${event.streamId}, but revision ${expectedRevision} was expected: an event of the device is missing`,
    };
  }
  const next = await eventAt(store, position + 1);
  if (next !== null && next.prevHash !== event.hash) {
    return {
      ok: false,
      reason: 'next-link',
      detail: `The event at position ${position + 1} links to hash ${next.prevHash}, not to this event's ${event.hash}: this event's hash was rewritten`,
    };
  }
  return { ok: true };
}

/** The event stored at exactly `position`, or null when there is none. */
async function eventAt(store: EventStore, position: number): Promise<StoredEvent | null> {
  const [event] = await store.readAll(position - 1, 1);
  return event !== undefined && event.globalPosition === position ? event : null;
}
