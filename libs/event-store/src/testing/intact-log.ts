import { expect } from '@jest/globals';
import { GENESIS_HASH, hashEvent } from '../hash-chain.js';
import type { StoredEvent } from '../port.js';

/** Every event once, positions dense from 1, each linked to the one before and its hash recomputing. */
export function expectIntactLog(events: readonly StoredEvent[]): void {
  expect(new Set(events.map((event) => event.eventId)).size).toBe(events.length);
  let prevHash = GENESIS_HASH;
  events.forEach((event, index) => {
    expect(event.globalPosition).toBe(index + 1);
    expect(event.prevHash).toBe(prevHash);
    const { hash, ...unhashed } = event;
    expect(hashEvent(unhashed)).toBe(hash);
    prevHash = hash;
  });
}
