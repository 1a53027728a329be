/**
 * The stored passport (./compact.ts) gives back the JSON text written, character for character,
 * for any JSON document, and a real passport takes a fraction of its JSON text.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { StoredEvent } from '#kierto/event-store';
import { collected, laptop, placedOnMarket, recycled } from '#kierto/testing';
import type { DeviceEvent } from '#kierto/domain';
import { decodePassport, encodePassport, passportText } from './compact.js';
import { evolvePassport, type Passport } from './passport.js';

function passportOf(events: readonly DeviceEvent[]): Passport {
  let passport: Passport | null = null;
  events.forEach((event, revision) => {
    const stored: StoredEvent = {
      eventId: `3f0c9a52-1d7e-4b8a-9c1f-${String(revision).padStart(12, '0')}`,
      type: event.type,
      schemaVersion: 1,
      occurredAt: event.occurredAt,
      actor: { organisationId: 'org-reuse', role: 'operator', keyId: 'key' },
      correlationId: 'correlation',
      causationId: null,
      data: JSON.parse(JSON.stringify(event.data)) as StoredEvent['data'],
      metadata: {},
      streamId: 'mfr:acme:SN-1',
      streamRevision: revision,
      globalPosition: 1000 + revision,
      recordedAt: `2026-03-0${revision + 1}T10:00:00.000Z`,
      hash: `${revision}`.repeat(64),
      prevHash: `${revision + 1}`.repeat(64),
    };
    passport = evolvePassport(passport, stored);
  });
  if (passport === null) throw new Error('The history gave no passport');
  return passport;
}

describe('stored passports', () => {
  it('give back the JSON text written, for any JSON document', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (document) => {
        expect(passportText(encodePassport(document))).toBe(JSON.stringify(document));
      }),
    );
  });

  it('give back a real passport as written and take under a third of its JSON text', () => {
    const passport = passportOf([
      placedOnMarket({ occurredAt: '2024-01-10T10:00:00Z', product: laptop({ serialNumber: 'SN-1' }) }),
      collected({ occurredAt: '2025-02-01T10:00:00Z' }),
      recycled({ occurredAt: '2025-03-01T10:00:00Z' }),
    ]);
    const stored = encodePassport(passport);
    expect(decodePassport<Passport>(stored)).toEqual(passport);
    expect(passportText(stored)).toBe(JSON.stringify(passport));
    expect(stored.length * 3).toBeLessThan(JSON.stringify(passport).length);
  });

  it('refuse a stored value that is not bytes', () => {
    expect(() => decodePassport('{}')).toThrow(TypeError);
  });
});
