import { describe, expect, it } from '@jest/globals';
import { canonicalJson } from './canonical-json.js';
import { GENESIS_HASH, hashEvent } from './hash-chain.js';
import { jsonBytes } from './limits.js';
import type { NewEvent } from './port.js';
import { hashPrepared, prepareEvent, type Placement } from './prepared-event.js';
import { newEvent } from './testing/contract.js';

const placement: Placement = {
  streamId: 'stream "quoted" ä',
  streamRevision: 3,
  globalPosition: 12_345_678_901,
  recordedAt: '2031-01-01T00:00:00.000Z',
  prevHash: GENESIS_HASH,
};

function hashWhole(event: NewEvent): string {
  return hashEvent({
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    occurredAt: event.occurredAt,
    actor: event.actor,
    correlationId: event.correlationId,
    causationId: event.causationId ?? null,
    data: event.data,
    metadata: event.metadata,
    ...placement,
  });
}

describe('prepareEvent', () => {
  const events: Array<[string, NewEvent]> = [
    ['a plain event', newEvent()],
    ['a causation id and metadata', newEvent({ causationId: 'cause', metadata: { requestFingerprint: 'abc' } })],
    [
      'awkward JSON',
      newEvent({
        type: 'T\n"x"',
        schemaVersion: 12,
        data: { z: 'ääkköset ✓ 𝄞 \\ \n', a: [1, -0.5, 1e21, 1.5e-7, null, true], nested: { b: {}, '': 'e' } },
        actor: { organisationId: 'o\t', role: 'r"', keyId: 'k\\' },
      }),
    ],
  ];

  it.each(events)('hashes %s exactly as hashEvent does', (_, event) => {
    const prepared = prepareEvent(event);
    expect(hashPrepared(event, prepared, placement, () => ({ ...event, ...placement, causationId: null }))).toBe(
      hashWhole(event),
    );
    // The prepared text is reused, never consumed: a second placement hashes as well.
    const next = { ...placement, globalPosition: 1 };
    expect(hashPrepared(event, prepared, next, () => ({ ...event, ...next, causationId: null }))).toBe(
      hashEvent({ ...event, causationId: event.causationId ?? null, ...next }),
    );
  });

  it.each(events)('measures %s as the limits do, from the canonical JSON it keeps', (_, event) => {
    const prepared = prepareEvent(event);
    expect(prepared.bytes).toBe(jsonBytes(event));
    expect(prepared.dataJson).toBe(canonicalJson(event.data));
    expect(prepared.metadataJson).toBe(canonicalJson(event.metadata));
  });

  it('hashes an event with a missing envelope field whole, as hashEvent leaves the field out', () => {
    const { correlationId: _omitted, ...rest } = newEvent();
    const event = rest as unknown as NewEvent;
    const prepared = prepareEvent(event);
    expect(prepared.envelope).toBeNull();
    const unhashed = { ...event, causationId: null, ...placement };
    expect(hashPrepared(event, prepared, placement, () => unhashed)).toBe(hashEvent(unhashed));
  });
});
