import { describe, expect, it } from '@jest/globals';
import { ArrayEventStore, buildChain } from '#kierto/audit/testing';
import { parseEpcisQuery } from '#kierto/interop';
import { epcisPage } from './epcis-queries.js';

/** Twelve collections of six devices, then one repair: a filter that matches only at the end. */
function store(): ArrayEventStore {
  const collections = Array.from({ length: 12 }, (_, index) => ({
    streamId: `mfr:acme:${index % 6}`,
    type: 'DeviceCollected',
  }));
  const repair = {
    streamId: 'mfr:acme:0',
    type: 'DeviceRepaired',
    data: { problem: 'p', actions: [], partsReplaced: [], outcome: 'fixed', labourMinutes: 1 },
  };
  return new ArrayEventStore(buildChain([...collections, repair]));
}

describe('a page of EPCIS events from the global log', () => {
  it('stops a long scan early with a next position where it stopped, and the next page goes on from there', async () => {
    const repairs = parseEpcisQuery({ EQ_bizStep: 'repairing' });
    const first = await epcisPage(store(), repairs, 5);
    expect(first).toEqual({ events: [], nextAfter: 5 });
    const second = await epcisPage(store(), { ...repairs, after: 5 }, 5);
    expect(second).toEqual({ events: [], nextAfter: 10 });
    const last = await epcisPage(store(), { ...repairs, after: 10 }, 5);
    expect(last.events.map((event) => event['kierto:eventType'])).toEqual(['DeviceRepaired']);
    expect(last.nextAfter).toBeNull();
  });

  it('reads to the end of the log within the limit, and has no next page there', async () => {
    expect(await epcisPage(store(), parseEpcisQuery({ EQ_bizStep: 'repairing' }))).toMatchObject({ nextAfter: null });
    const all = await epcisPage(store(), parseEpcisQuery({ perPage: '13' }));
    expect({ events: all.events.length, nextAfter: all.nextAfter }).toEqual({ events: 13, nextAfter: null });
  });

  it('ends a full page at its last event when a match beyond it was seen', async () => {
    const page = await epcisPage(store(), parseEpcisQuery({ perPage: '4' }), 5);
    expect({ events: page.events.length, nextAfter: page.nextAfter }).toEqual({ events: 4, nextAfter: 4 });
  });
});
