import { describe, expect, it } from '@jest/globals';
import type { DeviceEvent } from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';
import {
  collected,
  declaredEndOfLife,
  idOf,
  laptop,
  phone,
  placedOnMarket,
  recycled,
  repaired,
  resold,
  wiped,
  wipeFailed,
} from '#kierto/testing';
import { validateDocument } from '#kierto/schemas';
import { evolvePassport, passportProjection, type Passport } from './passport.js';

function storedOf(events: readonly DeviceEvent[], streamId: string): StoredEvent[] {
  return events.map((event, index) => ({
    eventId: `event-${index + 1}`,
    type: event.type,
    schemaVersion: 1,
    occurredAt: event.occurredAt,
    actor: { organisationId: `org-${index + 1}`, role: 'operator', keyId: 'secret-key-id' },
    correlationId: 'correlation',
    causationId: null,
    data: JSON.parse(JSON.stringify(event.data)) as StoredEvent['data'],
    metadata: {},
    streamId,
    streamRevision: index,
    globalPosition: 10 + index,
    recordedAt: `2026-01-01T00:00:0${index}.000Z`,
    hash: String(index + 1).repeat(64),
    prevHash: String(index).repeat(64),
  }));
}

const fold = (events: readonly DeviceEvent[], streamId = idOf(laptop())): Passport | null =>
  storedOf(events, streamId).reduce<Passport | null>(evolvePassport, null);

function expectValid(passport: Passport | null): void {
  const validation = validateDocument('Passport', passport);
  expect(validation.ok ? [] : validation.errors).toEqual([]);
}

describe('the passport projection', () => {
  it('starts with placing on market: identity, product, producer, materials, repair information', () => {
    const passport = fold([placedOnMarket()]);
    expectValid(passport);
    expect(passport).toMatchObject({
      deviceId: 'gtin:09506000134352:PF3K7Q2X',
      digitalLink: '/01/09506000134352/21/PF3K7Q2X',
      revision: 0,
      globalPosition: 10,
      identity: { gtin: '09506000134352', serialNumber: 'PF3K7Q2X' },
      status: {
        lifecycle: 'in-use',
        holder: { kind: 'producer' },
        lastRecordedBy: { organisationId: 'org-1', eventType: 'DevicePlacedOnMarket' },
      },
      lives: 1,
      placedOnMarket: { producerId: 'producer-aalto-computing', country: 'FI', market: 'household' },
      materials: { criticalRawMaterialsKg: 0.139, recycledContentKg: 0.273 },
      carbonFootprint: { manufacturingKgCo2e: 310 },
    });
    expect(passport?.materials.criticalRawMaterials.map((material) => material.name)).toEqual([
      'copper',
      'cobalt (battery cathode)',
      'lithium (battery)',
      'natural graphite (battery anode)',
    ]);
  });

  it('follows every event: holders, lives, wipes with their certificates, ORDS repairs, recycling, hashes', () => {
    const passport = fold([
      placedOnMarket(),
      collected(),
      wipeFailed(),
      wiped(),
      repaired(),
      resold(),
      collected({ occurredAt: '2025-04-01T00:00:00Z' }),
      declaredEndOfLife({ occurredAt: '2025-04-02T00:00:00Z' }),
      recycled({ occurredAt: '2025-04-03T00:00:00Z' }),
    ]);
    expectValid(passport);
    expect(passport?.lives).toBe(2);
    expect(passport?.status).toMatchObject({
      lifecycle: 'recycled',
      since: '2025-04-03T00:00:00Z',
      holder: { kind: 'recycler', buyerType: null },
    });
    expect(passport?.dataSanitisation.records.map((record) => [record.result, record.certificateId])).toEqual([
      ['failed', 'WIPE-2025-000124'],
      ['passed', 'WIPE-2025-000123'],
    ]);
    expect(passport?.repair.history.map((repair) => repair.ords)).toEqual([
      { repairStatus: 'Fixed', repairBarrier: null },
      { repairStatus: 'End of life', repairBarrier: 'Spare parts not available' },
    ]);
    expect(passport?.endOfLife.recycling).toMatchObject({ treatmentCountry: 'FI', weightKg: 1.4 });
    expect(
      passport?.history.map((entry) => [entry.globalPosition, entry.hash.slice(0, 1), entry.prevHash.slice(0, 1)]),
    ).toEqual(Array.from({ length: 9 }, (_, index) => [10 + index, String(index + 1), String(index)]));
    // The key id that recorded an event identifies a person's key: it stays out of the passport.
    expect(JSON.stringify(passport)).not.toContain('secret-key-id');
  });

  it('starts with a collection that carries the product, without a producer or digital link for a manufacturer id', () => {
    const passport = fold([collected({ product: phone() })], idOf(phone()));
    expectValid(passport);
    expect(passport).toMatchObject({
      digitalLink: null,
      identity: { gtin: null },
      placedOnMarket: null,
      status: { lifecycle: 'collected', holder: { kind: 'collector' } },
    });
  });

  it('ignores replays and events that cannot start a history', () => {
    const [placed, collection] = storedOf([placedOnMarket(), collected()], idOf(laptop()));
    const none: Passport | null = null;
    const once = passportProjection.evolve(none, placed as StoredEvent).document;
    const after = passportProjection.evolve(once, collection as StoredEvent).document;
    expect(passportProjection.evolve(after, placed as StoredEvent).document).toBe(after);
    expect(fold([wiped()])).toBeNull();
  });
});

describe('a lot handover (ADR 0026)', () => {
  it('names the receiver as the holder, keeps the holder kind and the lifecycle; before it, the collector', () => {
    const history: DeviceEvent[] = [
      placedOnMarket(),
      collected(),
      {
        type: 'DeviceHandedOver',
        occurredAt: '2025-06-01T00:00:00Z',
        data: { lotId: 'PAL-1', handoverId: 'DN-1', fromOrganisationId: 'org-2', toOrganisationId: 'org-centre' },
      },
    ];
    const before = fold(history.slice(0, 2));
    expect(before?.status.holder).toMatchObject({ kind: 'collector', organisationId: 'org-2' });
    const after = fold(history);
    expectValid(after);
    expect(after?.status).toMatchObject({
      lifecycle: 'collected',
      since: '2025-06-01T00:00:00Z',
      holder: { kind: 'collector', organisationId: 'org-centre', since: '2025-06-01T00:00:00Z', buyerType: null },
      lastRecordedBy: { eventType: 'DeviceHandedOver' },
    });
    expect(after?.dataSanitisation.wipedSinceHandover).toBe(before?.dataSanitisation.wipedSinceHandover);
    expect(after?.history.map((entry) => entry.type)).toEqual([
      'DevicePlacedOnMarket',
      'DeviceCollected',
      'DeviceHandedOver',
    ]);
  });

  it('a buyer is a person: no organisation', () => {
    expect(fold([placedOnMarket(), resold()])?.status.holder).toMatchObject({ kind: 'buyer', organisationId: null });
  });
});
