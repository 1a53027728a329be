import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { lotStreamId, type CollectDevice } from '#kierto/domain';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { collect, idOf, laptop, phone, recordWipe } from '#kierto/testing';
import { handleCommand, type CommandContext } from './handle-command.js';
import { holdingOf, handleLotCommand, type LotRequest } from './lots.js';
import { deviceStreams } from './streams.js';

/** Lot commands over a real store: the devices' holdings read from their streams, one append for all. */
describe('handleLotCommand', () => {
  let store: SqliteEventStore;
  let ids = 0;
  beforeEach(async () => {
    store = new SqliteEventStore({ file: ':memory:' });
    await store.init();
  });
  afterEach(async () => {
    await store.close();
  });

  const as = (organisationId: string, idempotencyKey: string | null = null): CommandContext => ({
    actor: { organisationId, role: 'collector', keyId: `key-${organisationId}` },
    correlationId: 'correlation-1',
    causationId: null,
    idempotencyKey,
    requestFingerprint: `fingerprint-${organisationId}`,
    expectedRevision: null,
    newEventId: () => `00000000-0000-4000-8000-${String((ids += 1)).padStart(12, '0')}`,
  });
  const LAPTOP = idOf(laptop());
  const PHONE = idOf(phone());
  const NOW = '2026-01-01T00:00:00Z';
  const request = (kind: LotRequest['kind'], organisationId: string, data: object, occurredAt: string): LotRequest =>
    ({ kind, lotId: 'PAL-1', organisationId, occurredAt, now: NOW, data }) as LotRequest;

  async function collectAs(organisationId: string, command: CollectDevice): Promise<void> {
    await handleCommand(store, deviceStreams, command.deviceId, command, as(organisationId));
  }

  async function offeredPallet(): Promise<void> {
    await collectAs('org-city', collect({ product: laptop() }));
    await collectAs('org-city', collect({ product: phone() }));
    await handleLotCommand(
      store,
      request(
        'OpenLot',
        'org-city',
        { lotId: 'PAL-1', organisationId: 'org-city', kind: 'pallet' },
        '2025-07-01T00:00:00Z',
      ),
      as('org-city'),
    );
    await handleLotCommand(
      store,
      request('AddDevicesToLot', 'org-city', { deviceIds: [LAPTOP, PHONE] }, '2025-07-01T01:00:00Z'),
      as('org-city'),
    );
    await handleLotCommand(
      store,
      request(
        'OfferLotHandover',
        'org-city',
        { handoverId: 'DN-1', toOrganisationId: 'org-centre' },
        '2025-07-01T02:00:00Z',
      ),
      as('org-city'),
    );
  }

  it('reads who holds a device as the stock does: collector, then the receiver of a handover', async () => {
    await offeredPallet();
    expect(holdingOf(await store.readStream(LAPTOP))).toEqual({
      registered: true,
      holder: 'org-city',
      recycled: false,
    });
    await handleLotCommand(
      store,
      request('AcceptLotHandover', 'org-centre', { handoverId: 'DN-1', receivedMassKg: 2 }, '2025-07-02T00:00:00Z'),
      as('org-centre'),
    );
    expect(holdingOf(await store.readStream(LAPTOP))).toEqual({
      registered: true,
      holder: 'org-centre',
      recycled: false,
    });
    expect(holdingOf([])).toEqual({ registered: false, holder: null, recycled: false });
  });

  it('appends the acceptance and every DeviceHandedOver together, each device event caused by the acceptance', async () => {
    await offeredPallet();
    const outcome = await handleLotCommand(
      store,
      request('AcceptLotHandover', 'org-centre', { handoverId: 'DN-1', receivedMassKg: 2 }, '2025-07-02T00:00:00Z'),
      as('org-centre'),
    );
    const [accepted, ...onDevices] = outcome.events;
    expect(accepted).toMatchObject({ type: 'LotHandoverAccepted', streamId: lotStreamId('PAL-1') });
    expect(onDevices.map((event) => [event.streamId, event.type, event.causationId])).toEqual([
      [LAPTOP, 'DeviceHandedOver', accepted?.eventId],
      [PHONE, 'DeviceHandedOver', accepted?.eventId],
    ]);
    expect(onDevices[0]?.data).toEqual({
      lotId: 'PAL-1',
      handoverId: 'DN-1',
      fromOrganisationId: 'org-city',
      toOrganisationId: 'org-centre',
    });
    expect(outcome.revision).toBe(3);
  });

  it('appends nothing, not even the lot event, when one device refuses its part', async () => {
    await offeredPallet();
    // The lot takes the acceptance; the phone, wiped after the moment the acceptance names, refuses it.
    await handleCommand(
      store,
      deviceStreams,
      PHONE,
      recordWipe({ deviceId: PHONE, occurredAt: '2025-07-05T00:00:00Z', now: NOW }),
      as('org-city'),
    );
    const head = await store.headPosition();
    const late = request(
      'AcceptLotHandover',
      'org-centre',
      { handoverId: 'DN-1', receivedMassKg: 2 },
      '2025-07-02T00:00:00Z',
    );
    await expect(handleLotCommand(store, late, as('org-centre'))).rejects.toMatchObject({
      code: 'OCCURRED_BEFORE_PREVIOUS_EVENT',
    });
    expect(await store.headPosition()).toBe(head);
  });

  it('answers a retry with the same Idempotency-Key with what it recorded the first time', async () => {
    await offeredPallet();
    const accept = request(
      'AcceptLotHandover',
      'org-centre',
      { handoverId: 'DN-1', receivedMassKg: 2 },
      '2025-07-02T00:00:00Z',
    );
    const first = await handleLotCommand(store, accept, as('org-centre', 'retry-1'));
    const again = await handleLotCommand(store, accept, as('org-centre', 'retry-1'));
    expect(again.replayed).toBe(true);
    expect(again.events.map((event) => event.eventId)).toEqual(first.events.map((event) => event.eventId));
  });
});
