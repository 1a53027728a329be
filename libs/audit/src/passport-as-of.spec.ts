import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '#kierto/event-store';
import { passportProjection } from '#kierto/projections';
import { passportAsOf } from './passport-as-of.js';
import { collected, idOf, laptop, placedOnMarket, resold, wiped } from '#kierto/testing';
import { toJsonObject } from '#kierto/application';
import { buildChain, reseal } from './testing/array-store.js';

/** A laptop placed on market, collected, wiped and resold, recorded a day apart. */
function lifecycleHistory(): StoredEvent[] {
  const deviceId = idOf(laptop());
  const events = buildChain(
    [placedOnMarket(), collected(), wiped(), resold()].map((event) => ({
      streamId: deviceId,
      type: event.type,
      data: toJsonObject(event.data),
    })),
  );
  const history = events.map((event, index) => ({
    ...event,
    recordedAt: `2030-01-0${index + 1}T12:00:00.000Z`,
  }));
  reseal(history, 0);
  return history;
}

describe('passport as of a past moment', () => {
  const history: StoredEvent[] = lifecycleHistory();

  it('equals the projection folded over the events recorded by then', () => {
    const asOfSecond = passportAsOf(history, { position: history[1]?.globalPosition ?? 0 });
    let expected = null;
    for (const event of history.slice(0, 2)) {
      const applied = passportProjection.evolve(expected, event);
      expected = applied.document;
    }
    expect(asOfSecond).toEqual(expected);
    expect(asOfSecond?.history).toHaveLength(2);
  });

  it('counts by recording time, inclusive', () => {
    const second = history[1];
    expect(passportAsOf(history, { recordedAt: second?.recordedAt ?? '' })?.history).toHaveLength(2);
    expect(passportAsOf(history, { recordedAt: '2000-01-01T00:00:00Z' })).toBeNull();
    expect(passportAsOf(history, { recordedAt: '2999-01-01T00:00:00Z' })?.history).toHaveLength(history.length);
  });

  it('shows the status the device had then, not its current one', () => {
    const atCollection = passportAsOf(history, { position: history[1]?.globalPosition ?? 0 });
    const now = passportAsOf(history, { position: Number.MAX_SAFE_INTEGER });
    expect(atCollection?.status).not.toEqual(now?.status);
  });
});
