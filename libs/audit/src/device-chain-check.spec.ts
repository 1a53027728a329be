import { describe, expect, it } from '@jest/globals';
import { sealEvent } from '#kierto/event-store';
import type { StoredEvent } from '#kierto/event-store';
import { checkDeviceChain } from './device-chain-check.js';
import { deviceHistory } from './device-history.js';
import { ArrayEventStore, buildChain } from './testing/array-store.js';

/** device-a at positions 1, 3 and 5; device-b in between. */
function chain(): StoredEvent[] {
  return buildChain([
    { streamId: 'device-a', type: 'DevicePlacedOnMarket' },
    { streamId: 'device-b' },
    { streamId: 'device-a', type: 'DeviceCollected' },
    { streamId: 'device-b' },
    { streamId: 'device-a', type: 'DeviceDataWiped' },
  ]);
}

function at(events: StoredEvent[], position: number): StoredEvent {
  const event = events.find((candidate) => candidate.globalPosition === position);
  if (event === undefined) throw new Error(`no event at ${position}`);
  return event;
}

function replace(events: StoredEvent[], position: number, event: StoredEvent): void {
  events[events.findIndex((candidate) => candidate.globalPosition === position)] = event;
}

async function verdicts(events: StoredEvent[]): Promise<Array<[number, string]>> {
  const checked = await checkDeviceChain(new ArrayEventStore(events), 'device-a');
  return (checked?.events ?? []).map(({ event, check }) => [event.globalPosition, check.ok ? 'ok' : check.reason]);
}

describe('checkDeviceChain', () => {
  it('passes every event of an intact chain, in stream order', async () => {
    const checked = await checkDeviceChain(new ArrayEventStore(chain()), 'device-a');
    expect(checked?.failures).toBe(0);
    expect(checked?.events.map(({ event }) => [event.globalPosition, event.streamRevision])).toEqual([
      [1, 0],
      [3, 1],
      [5, 2],
    ]);
    expect(await verdicts(chain())).toEqual([
      [1, 'ok'],
      [3, 'ok'],
      [5, 'ok'],
    ]);
  });

  it('flags an event whose content was edited, as deviceHistory does', async () => {
    const events = chain();
    replace(events, 3, { ...at(events, 3), occurredAt: '2019-01-01T00:00:00.000Z' });
    expect(await verdicts(events)).toEqual([
      [1, 'ok'],
      [3, 'hash-mismatch'],
      [5, 'ok'],
    ]);
    const history = await deviceHistory(new ArrayEventStore(events), 'device-a');
    expect(history?.events.map((event) => event.hashValid)).toEqual([true, false, true]);
  });

  it('flags an edited event whose hash was recomputed: its own hash matches, the next event does not link to it', async () => {
    const events = chain();
    const { hash: _old, ...edited } = {
      ...at(events, 3),
      actor: { organisationId: 'impostor', role: 'collector', keyId: 'k' },
    };
    replace(events, 3, sealEvent(edited));
    const checked = await checkDeviceChain(new ArrayEventStore(events), 'device-a');
    const middle = checked?.events[1]?.check;
    expect(middle).toEqual({ ok: false, reason: 'next-link', detail: expect.stringContaining('position 4') });
    expect(checked?.failures).toBe(1);
    // deviceHistory alone sees nothing wrong with it: the hash matches the (edited) content.
    const history = await deviceHistory(new ArrayEventStore(events), 'device-a');
    expect(history?.events.map((event) => event.hashValid)).toEqual([true, true, true]);
  });

  it('flags the event after a deleted one (a gap), and a device event after its own deleted revision', async () => {
    const withoutB = chain().filter((event) => event.globalPosition !== 2);
    expect(await verdicts(withoutB)).toEqual([
      [1, 'ok'],
      [3, 'position-gap'],
      [5, 'ok'],
    ]);
    const withoutOwn = chain().filter((event) => event.globalPosition !== 3);
    expect(await verdicts(withoutOwn)).toEqual([
      [1, 'ok'],
      [5, 'revision-gap'],
    ]);
  });

  it('flags an event whose predecessor was replaced by another (a broken link)', async () => {
    const events = chain();
    const { hash: _old, ...other } = { ...at(events, 2), data: { forged: true } };
    replace(events, 2, sealEvent(other));
    expect(await verdicts(events)).toEqual([
      [1, 'ok'],
      [3, 'broken-link'],
      [5, 'ok'],
    ]);
  });

  it('answers null for a device with no events', async () => {
    expect(await checkDeviceChain(new ArrayEventStore(chain()), 'device-c')).toBeNull();
  });
});
