import { describe, expect, it } from '@jest/globals';
import { collected, DeciderSpecification, idOf, laptop, placedOnMarket, recycled, Times, wiped } from '#kierto/testing';
import type { RecordHandover } from './commands.js';
import { deviceDecider } from './decider.js';
import {
  evolveLot,
  initialLotState,
  lotDecider,
  LotErrorCodes,
  lotStreamId,
  MAX_DEVICES_PER_LOT,
  type DeviceHolding,
  type LotCommand,
  type LotEvent,
} from './lots.js';
import { ErrorCodes } from './rules.js';
import { fold } from './state.js';

const given = DeciderSpecification.for(lotDecider);

const LOT = 'PAL-2026-0042';
const CITY = 'org-city';
const CENTRE = 'org-centre';
const NOW = '2026-11-30T12:00:00Z';
const L1 = 'mfr:lenovo:PF-1';
const L2 = 'mfr:lenovo:PF-2';

const held = (holder: string | null): DeviceHolding => ({ registered: true, holder, recycled: false });
const heldByCity = new Map([
  [L1, held(CITY)],
  [L2, held(CITY)],
]);

/** A command of the lot, asked by `by` (the city unless said), with the devices as their streams stand. */
function command<K extends LotCommand['kind']>(
  kind: K,
  data: Extract<LotCommand, { kind: K }>['data'],
  { by = CITY, occurredAt = '2026-11-02T08:00:00Z', devices = heldByCity } = {},
): LotCommand {
  return { kind, lotId: LOT, organisationId: by, occurredAt, now: NOW, data, devices } as LotCommand;
}

const opened: LotEvent = {
  type: 'LotOpened',
  occurredAt: '2026-11-01T08:00:00Z',
  data: { lotId: LOT, organisationId: CITY, kind: 'pallet' },
};
const added: LotEvent = {
  type: 'DevicesAddedToLot',
  occurredAt: '2026-11-01T09:00:00Z',
  data: { deviceIds: [L1, L2] },
};
const offered: LotEvent = {
  type: 'LotHandoverOffered',
  occurredAt: '2026-11-01T10:00:00Z',
  data: { handoverId: 'DN-1', toOrganisationId: CENTRE },
};
const accepted: LotEvent = {
  type: 'LotHandoverAccepted',
  occurredAt: '2026-11-01T14:00:00Z',
  data: { handoverId: 'DN-1', receivedMassKg: 3.3 },
};
const rejected: LotEvent = {
  type: 'LotHandoverRejected',
  occurredAt: '2026-11-01T14:00:00Z',
  data: { handoverId: 'DN-1', reason: 'Not ours' },
};
const bulk: LotEvent = {
  type: 'BulkWeeeCollected',
  occurredAt: '2026-11-01T08:00:00Z',
  data: {
    lotId: LOT,
    organisationId: CITY,
    kind: 'cage',
    weeeCategory: 5,
    massKg: 412.5,
    collectionPointId: 'point-7',
    channel: 'municipal',
    source: 'household',
    country: 'FI',
  },
};

describe('lot streams', () => {
  it('are named after the lot', () => {
    expect(lotStreamId(LOT)).toBe('lot:PAL-2026-0042');
  });
});

describe('opening a lot', () => {
  it('opens a lot of tracked devices', () => {
    given([])
      .when(
        command('OpenLot', opened.data, {
          occurredAt: opened.occurredAt,
        }),
      )
      .then([opened]);
  });

  it('opens a bulk lot by collecting its weighed mass', () => {
    const data = bulk.data;
    given([])
      .when(command('CollectBulkWeee', data, { occurredAt: bulk.occurredAt }))
      .then([bulk]);
  });

  it('refuses a lot id that exists already', () => {
    given([opened])
      .when(command('OpenLot', { lotId: LOT, organisationId: CITY, kind: 'cage' }))
      .thenThrows({ code: LotErrorCodes.lotAlreadyExists, kind: 'conflict' });
  });

  it('refuses a body naming another lot than the path', () => {
    given([])
      .when(command('OpenLot', { lotId: 'OTHER', organisationId: CITY, kind: 'cage' }))
      .thenThrows({ code: LotErrorCodes.lotIdMismatch, kind: 'invalid', field: 'lotId' });
  });

  it('refuses a lot opened in another organisation’s name', () => {
    given([])
      .when(command('OpenLot', { lotId: LOT, organisationId: CENTRE, kind: 'cage' }))
      .thenThrows({ code: LotErrorCodes.notLotHolder, kind: 'forbidden', field: 'organisationId' });
  });

  it('refuses a bulk mass that is not positive', () => {
    const data = { ...bulk.data, massKg: 0 };
    given([])
      .when(command('CollectBulkWeee', data))
      .thenThrows({ code: ErrorCodes.nonPositiveWeight, kind: 'invalid', field: 'massKg' });
  });
});

describe('adding devices', () => {
  it('adds devices the holder holds', () => {
    given([opened])
      .when(command('AddDevicesToLot', { deviceIds: [L1, L2] }, { occurredAt: added.occurredAt }))
      .then([added]);
  });

  it('refuses a device another organisation holds, one recycled, one unknown', () => {
    given([opened])
      .when(command('AddDevicesToLot', { deviceIds: [L1] }, { devices: new Map([[L1, held(CENTRE)]]) }))
      .thenThrows({ code: LotErrorCodes.deviceNotHeld, kind: 'rule', field: 'deviceIds[0]' });
    given([opened])
      .when(
        command(
          'AddDevicesToLot',
          { deviceIds: [L1] },
          { devices: new Map([[L1, { ...held(null), recycled: true }]]) },
        ),
      )
      .thenThrows(LotErrorCodes.deviceNotHeld);
    given([opened])
      .when(command('AddDevicesToLot', { deviceIds: [L1] }, { devices: new Map() }))
      .thenThrows({ code: ErrorCodes.deviceNotFound, kind: 'not-found', field: 'deviceIds[0]' });
  });

  it('refuses a device twice, in one request or across requests', () => {
    given([opened])
      .when(command('AddDevicesToLot', { deviceIds: [L1, L1] }))
      .thenThrows({ code: LotErrorCodes.duplicateDevice, kind: 'invalid', field: 'deviceIds[1]' });
    given([opened, added])
      .when(command('AddDevicesToLot', { deviceIds: [L2] }))
      .thenThrows({ code: LotErrorCodes.deviceAlreadyInLot, kind: 'conflict', field: 'deviceIds[0]' });
  });

  it('refuses devices in a bulk lot, in a lot it does not hold, in an unknown lot', () => {
    given([bulk])
      .when(command('AddDevicesToLot', { deviceIds: [L1] }))
      .thenThrows(LotErrorCodes.lotIsBulk);
    given([opened])
      .when(command('AddDevicesToLot', { deviceIds: [L1] }, { by: CENTRE }))
      .thenThrows({ code: LotErrorCodes.notLotHolder, kind: 'forbidden' });
    given([])
      .when(command('AddDevicesToLot', { deviceIds: [L1] }))
      .thenThrows({ code: LotErrorCodes.lotNotFound, kind: 'not-found' });
  });

  it('refuses devices while a handover waits for its answer', () => {
    given([opened, added, offered])
      .when(command('AddDevicesToLot', { deviceIds: [L1] }))
      .thenThrows({ code: LotErrorCodes.handoverPending, kind: 'conflict' });
  });

  it('refuses more devices than a lot holds', () => {
    const many = Array.from({ length: MAX_DEVICES_PER_LOT + 1 }, (_, index) => `mfr:x:${index}`);
    given([opened])
      .when(command('AddDevicesToLot', { deviceIds: many }))
      .thenThrows(LotErrorCodes.lotFull);
  });
});

describe('offering a handover', () => {
  const offer = (data = { handoverId: 'DN-1', toOrganisationId: CENTRE }, options = {}) =>
    command('OfferLotHandover', data, { occurredAt: offered.occurredAt, ...options });

  it('offers the lot to another organisation', () => {
    given([opened, added]).when(offer()).then([offered]);
  });

  it('offers a bulk lot, which has no devices', () => {
    given([bulk]).when(offer()).then([offered]);
  });

  it('refuses: an empty lot, a handover to the holder, a second while one waits, a reused id', () => {
    given([opened]).when(offer()).thenThrows({ code: LotErrorCodes.lotEmpty, kind: 'rule' });
    given([opened, added])
      .when(offer({ handoverId: 'DN-1', toOrganisationId: CITY }))
      .thenThrows({ code: LotErrorCodes.handoverToHolder, kind: 'invalid', field: 'toOrganisationId' });
    given([opened, added, offered]).when(offer()).thenThrows({ code: LotErrorCodes.handoverPending, kind: 'conflict' });
    given([opened, added, offered, rejected])
      .when(offer(undefined, { occurredAt: '2026-11-02T08:00:00Z' }))
      .thenThrows({ code: LotErrorCodes.handoverIdTaken, kind: 'conflict', field: 'handoverId' });
  });

  it('refuses an offer by an organisation that does not hold the lot', () => {
    given([opened, added])
      .when(offer(undefined, { by: CENTRE }))
      .thenThrows(LotErrorCodes.notLotHolder);
  });

  it('refuses when a device of the lot has left the holder meanwhile (sold, say)', () => {
    given([opened, added])
      .when(
        offer(undefined, {
          devices: new Map([
            [L1, held(CITY)],
            [L2, held(null)],
          ]),
        }),
      )
      .thenThrows(LotErrorCodes.deviceNotHeld);
  });
});

describe('answering a handover', () => {
  const accept = (options: { by?: string; occurredAt?: string; devices?: Map<string, DeviceHolding> } = {}) =>
    command(
      'AcceptLotHandover',
      { handoverId: 'DN-1', receivedMassKg: 3.3 },
      { by: CENTRE, occurredAt: accepted.occurredAt, ...options },
    );
  const reject = (options: { by?: string } = {}) =>
    command(
      'RejectLotHandover',
      { handoverId: 'DN-1', reason: 'Not ours' },
      { by: CENTRE, occurredAt: rejected.occurredAt, ...options },
    );

  it('the receiver accepts, with the mass it weighed; the lot is then the receiver’s', () => {
    given([opened, added, offered]).when(accept()).then([accepted]);
    const state = [opened, added, offered, accepted].reduce(evolveLot, initialLotState());
    expect(state).toMatchObject({ holder: CENTRE, deviceIds: [L1, L2], handovers: [{ status: 'accepted' }] });
  });

  it('the receiver rejects, with a reason; the lot stays the sender’s', () => {
    given([opened, added, offered]).when(reject()).then([rejected]);
    const state = [opened, added, offered, rejected].reduce(evolveLot, initialLotState());
    expect(state).toMatchObject({ holder: CITY, handovers: [{ status: 'rejected' }] });
  });

  it('only the receiver answers: not the sender, not a third organisation', () => {
    given([opened, added, offered])
      .when(accept({ by: CITY }))
      .thenThrows({ code: LotErrorCodes.notHandoverReceiver, kind: 'forbidden' });
    given([opened, added, offered])
      .when(reject({ by: 'org-other' }))
      .thenThrows(LotErrorCodes.notHandoverReceiver);
  });

  it('answers once: not accepted twice, not accepted after a rejection, not rejected after acceptance', () => {
    given([opened, added, offered, accepted])
      .when(accept())
      .thenThrows({ code: LotErrorCodes.handoverAlreadyAccepted, kind: 'conflict' });
    given([opened, added, offered, rejected])
      .when(accept())
      .thenThrows({ code: LotErrorCodes.handoverAlreadyRejected, kind: 'conflict' });
    given([opened, added, offered, accepted]).when(reject()).thenThrows(LotErrorCodes.handoverAlreadyAccepted);
  });

  it('refuses an unknown handover and an unknown lot', () => {
    given([opened, added, offered])
      .when(command('AcceptLotHandover', { handoverId: 'DN-9', receivedMassKg: 1 }, { by: CENTRE }))
      .thenThrows({ code: LotErrorCodes.handoverNotFound, kind: 'not-found' });
    given([]).when(accept()).thenThrows(LotErrorCodes.lotNotFound);
  });

  it('refuses acceptance when the sender no longer holds a device of the handover', () => {
    given([opened, added, offered])
      .when(
        accept({
          devices: new Map([
            [L1, held(CITY)],
            [L2, { ...held(null), recycled: true }],
          ]),
        }),
      )
      .thenThrows(LotErrorCodes.deviceNotHeld);
  });

  it('refuses a received mass that is not positive, and an answer before the offer', () => {
    given([opened, added, offered])
      .when(command('AcceptLotHandover', { handoverId: 'DN-1', receivedMassKg: -1 }, { by: CENTRE }))
      .thenThrows({ code: ErrorCodes.nonPositiveWeight, field: 'receivedMassKg' });
    given([opened, added, offered])
      .when(accept({ occurredAt: '2026-11-01T09:59:59Z' }))
      .thenThrows({ code: ErrorCodes.occurredBeforePreviousEvent, field: 'occurredAt' });
  });

  it('lets the receiver, once it holds the lot, hand it on; not the former holder', () => {
    const onward = command(
      'OfferLotHandover',
      { handoverId: 'DN-2', toOrganisationId: 'org-plant' },
      {
        by: CENTRE,
        occurredAt: '2026-11-03T08:00:00Z',
        devices: new Map([
          [L1, held(CENTRE)],
          [L2, held(CENTRE)],
        ]),
      },
    );
    given([opened, added, offered, accepted])
      .when(onward)
      .then([
        {
          type: 'LotHandoverOffered',
          occurredAt: '2026-11-03T08:00:00Z',
          data: { handoverId: 'DN-2', toOrganisationId: 'org-plant' },
        },
      ]);
    given([opened, added, offered, accepted])
      .when(command('OfferLotHandover', { handoverId: 'DN-2', toOrganisationId: 'org-plant' }))
      .thenThrows(LotErrorCodes.notLotHolder);
  });
});

describe('a device handed over with an accepted lot handover (RecordHandover)', () => {
  const onDevice = DeciderSpecification.for(deviceDecider);
  const handOver = (fromOrganisationId = CITY, occurredAt: string = Times.command): RecordHandover => ({
    kind: 'RecordHandover',
    deviceId: idOf(laptop()),
    occurredAt,
    now: Times.now,
    data: { lotId: LOT, handoverId: 'DN-1', fromOrganisationId, toOrganisationId: CENTRE },
  });

  it('is recorded on a registered device, and leaves its lifecycle as it was (a wipe still counts)', () => {
    onDevice([placedOnMarket(), collected(), wiped()])
      .when(handOver())
      .then([{ type: 'DeviceHandedOver', occurredAt: Times.command, data: handOver().data }]);
    const before = fold([placedOnMarket(), collected(), wiped()]);
    const after = fold([
      placedOnMarket(),
      collected(),
      wiped(),
      { type: 'DeviceHandedOver', occurredAt: Times.command, data: handOver().data },
    ]);
    expect(after).toEqual({ ...before, lastOccurredAt: Times.command });
  });

  it('refuses an unknown device, a recycled one, a handover to the sender itself, a time before the last event', () => {
    onDevice([]).when(handOver()).thenThrows({ code: ErrorCodes.deviceNotFound, kind: 'not-found' });
    onDevice([placedOnMarket(), collected(), recycled()]).when(handOver()).thenThrows(ErrorCodes.deviceAlreadyRecycled);
    onDevice([placedOnMarket(), collected()])
      .when(handOver(CENTRE))
      .thenThrows({ code: LotErrorCodes.handoverToHolder, kind: 'invalid', field: 'toOrganisationId' });
    onDevice([placedOnMarket(), collected()])
      .when(handOver(CITY, '2025-01-01T00:00:00Z'))
      .thenThrows(ErrorCodes.occurredBeforePreviousEvent);
  });
});
