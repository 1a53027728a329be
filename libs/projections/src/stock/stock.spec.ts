import type { StoredEvent } from '#kierto/event-store';
import { evolveStock, lotDevicesOf, stockProjection, type StockEntry } from './stock.js';

let position = 0;
function event(type: string, organisationId: string, data: Record<string, unknown>, occurredAt: string): StoredEvent {
  position += 1;
  return {
    eventId: `e${position}`,
    type,
    schemaVersion: 1,
    occurredAt,
    actor: { organisationId, role: 'collector', keyId: 'k' },
    correlationId: 'c',
    causationId: null,
    data: data as StoredEvent['data'],
    metadata: {},
    streamId: 'mfr:lenovo:1',
    streamRevision: position - 1,
    globalPosition: position,
    recordedAt: occurredAt,
    hash: 'h',
    prevHash: 'p',
  };
}

const fold = (events: readonly StoredEvent[]): StockEntry | null =>
  events.reduce<StockEntry | null>((entry, next) => evolveStock(entry, next), null);

const product = { manufacturer: 'Lenovo', serialNumber: '1', weeeCategory: 6 };

describe('the stock entry of a device', () => {
  it('is held by whoever recorded the latest handover; a wipe counts until the next handover', () => {
    const collected = event('DeviceCollected', 'centre', { product }, '2026-10-01T08:00:00Z');
    const wiped = event('DeviceDataWiped', 'centre', { result: 'passed' }, '2026-10-02T08:00:00Z');
    expect(fold([collected, wiped])).toMatchObject({
      holder: 'centre',
      status: 'collected',
      weeeCategory: 6,
      receivedAt: '2026-10-01T08:00:00Z',
      wipe: 'passed',
      wipedAt: '2026-10-02T08:00:00Z',
    });
    const again = event('DeviceCollected', 'other-centre', {}, '2026-11-01T08:00:00Z');
    expect(fold([collected, wiped, again])).toMatchObject({ holder: 'other-centre', wipe: 'not-wiped', wipedAt: null });
  });

  it('is held by no organisation once resold, recycled, or when its history starts at a repair café', () => {
    const collected = event('DeviceCollected', 'centre', { product }, '2026-10-01T08:00:00Z');
    expect(fold([collected, event('DeviceResold', 'centre', {}, '2026-10-03T08:00:00Z')])).toMatchObject({
      holder: null,
      status: 'in-use',
    });
    expect(fold([collected, event('DeviceRecycled', 'recycler', {}, '2026-10-03T08:00:00Z')])).toMatchObject({
      holder: null,
      status: 'recycled',
    });
    expect(fold([event('DeviceRepaired', 'cafe', { product }, '2026-10-03T08:00:00Z')])).toMatchObject({
      holder: null,
    });
    expect(fold([event('DeviceRepaired', 'cafe', {}, '2026-10-03T08:00:00Z')])).toBeNull();
  });

  it('keeps its holder through a repair or a failed wipe', () => {
    const placed = event('DevicePlacedOnMarket', 'producer', { product }, '2026-01-01T08:00:00Z');
    const failed = event('DeviceDataWiped', 'refurbisher', { result: 'failed' }, '2026-01-02T08:00:00Z');
    const repaired = event('DeviceRepaired', 'repairer', {}, '2026-01-03T08:00:00Z');
    expect(fold([placed, failed, repaired])).toMatchObject({ holder: 'producer', status: 'in-use', wipe: 'failed' });
  });
});

describe('lots and handovers (ADR 0026)', () => {
  it('an accepted handover moves the device to the receiver, received then; its wipe state starts again', () => {
    const collected = event('DeviceCollected', 'city', { product }, '2026-10-01T08:00:00Z');
    const wiped = event('DeviceDataWiped', 'city', { result: 'passed' }, '2026-10-01T09:00:00Z');
    const handedOver = event(
      'DeviceHandedOver',
      'centre',
      { lotId: 'PAL-1', handoverId: 'DN-1', fromOrganisationId: 'city', toOrganisationId: 'centre' },
      '2026-10-02T14:00:00Z',
    );
    expect(fold([collected, wiped, handedOver])).toMatchObject({
      holder: 'centre',
      status: 'collected',
      receivedAt: '2026-10-02T14:00:00Z',
      wipe: 'not-wiped',
      serialNumber: '1',
    });
  });

  it('keeps which lot each device was put in, from the lot stream, with no document of its own', () => {
    const added = {
      ...event('DevicesAddedToLot', 'city', { deviceIds: ['mfr:a:1', 'mfr:a:2'] }, '2026-10-02T08:00:00Z'),
      streamId: 'lot:PAL-1',
    };
    expect(lotDevicesOf(added)).toEqual([
      { lotId: 'PAL-1', deviceId: 'mfr:a:1' },
      { lotId: 'PAL-1', deviceId: 'mfr:a:2' },
    ]);
    expect(stockProjection.documentKey(added)).toBeNull();
    expect(stockProjection.evolve(null, added)).toEqual({
      document: null,
      lotDevices: [
        { lotId: 'PAL-1', deviceId: 'mfr:a:1' },
        { lotId: 'PAL-1', deviceId: 'mfr:a:2' },
      ],
    });
    const collected = event('DeviceCollected', 'city', { product }, '2026-10-01T08:00:00Z');
    expect(stockProjection.evolve(null, collected).lotDevices).toEqual([]);
  });
});
