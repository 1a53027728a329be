import { describe, expect, it } from '@jest/globals';
import { deviceHistory } from './device-history.js';
import { ENVELOPE_KEYS } from './envelope.js';
import { ArrayEventStore, buildChain } from './testing/array-store.js';

describe('deviceHistory', () => {
  it("replays the device's events in order with actors and hashes, flagging one whose content no longer matches", async () => {
    const events = buildChain([
      { streamId: 'device-a', type: 'DevicePlacedOnMarket' },
      { streamId: 'device-b' },
      { streamId: 'device-a', type: 'DeviceCollected' },
      { streamId: 'device-a', type: 'DeviceDataWiped' },
    ]);
    events[3] = { ...events[3]!, actor: { organisationId: 'impostor', role: 'refurbisher', keyId: 'k' } };
    const history = await deviceHistory(new ArrayEventStore(events), 'device-a');
    expect(history?.deviceId).toBe('device-a');
    expect(
      history?.events.map((e) => [e.globalPosition, e.streamRevision, e.type, e.actor.organisationId, e.hashValid]),
    ).toEqual([
      [1, 0, 'DevicePlacedOnMarket', 'org-collector', true],
      [3, 1, 'DeviceCollected', 'org-collector', true],
      [4, 2, 'DeviceDataWiped', 'impostor', false],
    ]);
    expect(Object.keys(history?.events[0] ?? {})).toEqual([...ENVELOPE_KEYS, 'hashValid']);
  });

  it('answers null for a device with no events', async () => {
    expect(await deviceHistory(new ArrayEventStore([]), 'device-a')).toBeNull();
  });
});
