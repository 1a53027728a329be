/**
 * Lots and handovers (docs/adr/0026-lots-and-handovers.md). A lot is what moves between
 * organisations as one thing: a pallet of laptops, a cage of small appliances, a shipment. One
 * stream per lot, `lot:{lotId}`, holds its history. A lot either lists its devices (each tracked
 * with its own stream) or, for bulk WEEE not tracked per unit, carries its category and weighed
 * mass: such a lot starts with the collection of that mass, which counts in COL as it is.
 *
 * A handover is offered by the lot's holder to another organisation and answered once by that
 * organisation: accepted with the weight it received, or rejected with a reason. Only an accepted
 * handover moves the lot (and, through DeviceHandedOver on each device's stream, its devices) to
 * the receiver; a rejected one leaves everything as it was.
 *
 * What the rules need to know of the devices (who holds each, whether it is recycled) is read from
 * their streams by the caller and handed in with the command, as `now` is: decide stays pure.
 *
 * Stable error codes: LotErrorCodes below (docs/api-errors.md), and rules.ts for the shared ones.
 */
import type { Decider } from './decider.js';
import { DomainError, invalid, ruleBroken } from './errors.js';
import type { CollectionChannel, CountryCode, EventOf, Market, Timestamp, WeeeCategory } from './events.js';
import { ErrorCodes } from './rules.js';
import { assertNever } from './state.js';
import { checkOccurredAt } from './time.js';

/** What carries the lot: the words a collector and a treatment plant use for it. */
export type LotKind = 'pallet' | 'cage' | 'container' | 'box' | 'shipment' | 'other';

export interface LotOpenedData {
  /** The lot's own id (also its stream's): the number on the pallet's label. */
  readonly lotId: string;
  /** The organisation that makes up the lot and holds it until a handover is accepted. */
  readonly organisationId: string;
  readonly kind: LotKind;
  readonly label?: string;
}

/**
 * Bulk WEEE collected by weight, not unit by unit: it opens a bulk lot. Counted in COL with exactly
 * this mass, in this category, for `onBehalfOf` (or the collector's country total).
 */
export interface BulkWeeeCollectedData {
  readonly lotId: string;
  readonly organisationId: string;
  readonly kind: LotKind;
  readonly label?: string;
  readonly weeeCategory: WeeeCategory;
  /** The weighed mass, kg. */
  readonly massKg: number;
  readonly collectionPointId: string;
  readonly channel: CollectionChannel;
  readonly source: Market;
  readonly country: CountryCode;
  /** The producer organisation this collection is reported for, when the collector knows it. */
  readonly onBehalfOf?: string;
  /** The weighbridge ticket of the weighing, when there is one. */
  readonly weighbridgeTicket?: string;
}

export interface DevicesAddedToLotData {
  readonly deviceIds: readonly string[];
}

export interface LotHandoverOfferedData {
  /** Chosen by the sender, unique within the lot: usually the delivery note's number. */
  readonly handoverId: string;
  readonly toOrganisationId: string;
  readonly note?: string;
}

export interface LotHandoverAcceptedData {
  readonly handoverId: string;
  /** What the receiver weighed on arrival, kg. */
  readonly receivedMassKg: number;
  readonly weighbridgeTicket?: string;
}

export interface LotHandoverRejectedData {
  readonly handoverId: string;
  readonly reason: string;
}

export interface LotEventDataByType {
  readonly LotOpened: LotOpenedData;
  readonly BulkWeeeCollected: BulkWeeeCollectedData;
  readonly DevicesAddedToLot: DevicesAddedToLotData;
  readonly LotHandoverOffered: LotHandoverOfferedData;
  readonly LotHandoverAccepted: LotHandoverAcceptedData;
  readonly LotHandoverRejected: LotHandoverRejectedData;
}

export type LotEventType = keyof LotEventDataByType;

/** The command that records each lot event (as DEVICE_COMMAND_OF in events.ts for devices). */
export const LOT_COMMAND_OF = {
  LotOpened: 'OpenLot',
  BulkWeeeCollected: 'CollectBulkWeee',
  DevicesAddedToLot: 'AddDevicesToLot',
  LotHandoverOffered: 'OfferLotHandover',
  LotHandoverAccepted: 'AcceptLotHandover',
  LotHandoverRejected: 'RejectLotHandover',
} as const satisfies Record<LotEventType, string>;

export const LOT_EVENT_TYPES = Object.keys(LOT_COMMAND_OF) as readonly LotEventType[];

export type LotEvent = EventOf<LotEventDataByType>;

export function isLotEventType(type: string): type is LotEventType {
  return (LOT_EVENT_TYPES as readonly string[]).includes(type);
}

/** What the caller read of a device from its stream, for the rules that concern the lot's devices. */
export interface DeviceHolding {
  /** Whether the device has a history in Kierto. */
  readonly registered: boolean;
  /** The organisation holding it (stock.ts's rule), null when none does (sold, recycled, an owner's). */
  readonly holder: string | null;
  readonly recycled: boolean;
}

interface LotCommandOf<K extends string, D> {
  readonly kind: K;
  readonly lotId: string;
  /** The organisation asking (from authentication): who may do what is a rule of the lot. */
  readonly organisationId: string;
  readonly occurredAt: Timestamp;
  readonly now: Timestamp;
  readonly data: D;
  /** The devices the command concerns (added, or the lot's), as their streams stand now. */
  readonly devices: ReadonlyMap<string, DeviceHolding>;
}

type LotCommandFor<T extends LotEventType> = LotCommandOf<(typeof LOT_COMMAND_OF)[T], LotEventDataByType[T]>;

export type OpenLot = LotCommandFor<'LotOpened'>;
export type CollectBulkWeee = LotCommandFor<'BulkWeeeCollected'>;
export type AddDevicesToLot = LotCommandFor<'DevicesAddedToLot'>;
export type OfferLotHandover = LotCommandFor<'LotHandoverOffered'>;
export type AcceptLotHandover = LotCommandFor<'LotHandoverAccepted'>;
export type RejectLotHandover = LotCommandFor<'LotHandoverRejected'>;
export type LotCommand = { [T in LotEventType]: LotCommandFor<T> }[LotEventType];
export type LotCommandKind = LotCommand['kind'];

export type HandoverStatus = 'offered' | 'accepted' | 'rejected';

export interface LotHandover {
  readonly handoverId: string;
  readonly fromOrganisationId: string;
  readonly toOrganisationId: string;
  readonly status: HandoverStatus;
  /** The lot's devices when it was offered: what the delivery note lists and what moves on acceptance. */
  readonly deviceIds: readonly string[];
  readonly offeredAt: Timestamp;
  /** occurredAt of the acceptance or rejection, null while it waits. */
  readonly answeredAt: Timestamp | null;
}

export interface OpenedLot {
  readonly status: 'open';
  readonly lotId: string;
  /** The organisation that holds the lot now. */
  readonly holder: string;
  readonly kind: LotKind;
  readonly bulk: { readonly weeeCategory: WeeeCategory; readonly massKg: number } | null;
  readonly deviceIds: readonly string[];
  readonly handovers: readonly LotHandover[];
  readonly lastOccurredAt: Timestamp;
}

export type LotState = { readonly status: 'none' } | OpenedLot;

export const LOT_STREAM_PREFIX = 'lot:';

/** The stream of a lot's history. */
export const lotStreamId = (lotId: string): string => `${LOT_STREAM_PREFIX}${lotId}`;

/**
 * Most devices in one lot: a lorry of laptops. An accepted handover records one event per device in
 * the same append as the lot's, so this stays well below the store's batch limit (10 000 events).
 */
export const MAX_DEVICES_PER_LOT = 5000;

export const LotErrorCodes = {
  lotAlreadyExists: 'LOT_ALREADY_EXISTS',
  lotNotFound: 'LOT_NOT_FOUND',
  lotIdMismatch: 'LOT_ID_MISMATCH',
  notLotHolder: 'NOT_LOT_HOLDER',
  lotIsBulk: 'LOT_IS_BULK',
  lotEmpty: 'LOT_EMPTY',
  lotFull: 'LOT_FULL',
  deviceAlreadyInLot: 'DEVICE_ALREADY_IN_LOT',
  duplicateDevice: 'DUPLICATE_DEVICE',
  deviceNotHeld: 'DEVICE_NOT_HELD_BY_LOT_HOLDER',
  handoverPending: 'HANDOVER_PENDING',
  handoverIdTaken: 'HANDOVER_ID_TAKEN',
  handoverToHolder: 'HANDOVER_TO_HOLDER',
  handoverNotFound: 'HANDOVER_NOT_FOUND',
  handoverAlreadyAccepted: 'HANDOVER_ALREADY_ACCEPTED',
  handoverAlreadyRejected: 'HANDOVER_ALREADY_REJECTED',
  notHandoverReceiver: 'NOT_HANDOVER_RECEIVER',
} as const;

export const initialLotState = (): LotState => ({ status: 'none' });

export function isOpenedLot(state: LotState): state is OpenedLot {
  return state.status === 'open';
}

/** Folds one event into the lot; events are facts, so it never refuses. */
export function evolveLot(state: LotState, event: LotEvent): LotState {
  switch (event.type) {
    case 'LotOpened':
      return opened(event.data.lotId, event.data.organisationId, event.data.kind, null, event.occurredAt);
    case 'BulkWeeeCollected': {
      const { lotId, organisationId, kind, weeeCategory, massKg } = event.data;
      return opened(lotId, organisationId, kind, { weeeCategory, massKg }, event.occurredAt);
    }
    default:
      break;
  }
  if (!isOpenedLot(state)) return state;
  const lastOccurredAt = event.occurredAt;
  switch (event.type) {
    case 'DevicesAddedToLot':
      return { ...state, deviceIds: [...state.deviceIds, ...event.data.deviceIds], lastOccurredAt };
    case 'LotHandoverOffered': {
      const handover: LotHandover = {
        handoverId: event.data.handoverId,
        fromOrganisationId: state.holder,
        toOrganisationId: event.data.toOrganisationId,
        status: 'offered',
        deviceIds: state.deviceIds,
        offeredAt: event.occurredAt,
        answeredAt: null,
      };
      return { ...state, handovers: [...state.handovers, handover], lastOccurredAt };
    }
    case 'LotHandoverAccepted': {
      const accepted = state.handovers.find((handover) => handover.handoverId === event.data.handoverId);
      return {
        ...state,
        holder: accepted?.toOrganisationId ?? state.holder,
        handovers: answered(state.handovers, event.data.handoverId, 'accepted', lastOccurredAt),
        lastOccurredAt,
      };
    }
    case 'LotHandoverRejected':
      return {
        ...state,
        handovers: answered(state.handovers, event.data.handoverId, 'rejected', lastOccurredAt),
        lastOccurredAt,
      };
    default:
      return assertNever(event);
  }
}

function opened(
  lotId: string,
  holder: string,
  kind: LotKind,
  bulk: OpenedLot['bulk'],
  occurredAt: Timestamp,
): OpenedLot {
  return { status: 'open', lotId, holder, kind, bulk, deviceIds: [], handovers: [], lastOccurredAt: occurredAt };
}

function answered(
  handovers: readonly LotHandover[],
  handoverId: string,
  status: HandoverStatus,
  answeredAt: Timestamp,
): LotHandover[] {
  return handovers.map((handover) =>
    handover.handoverId === handoverId ? { ...handover, status, answeredAt } : handover,
  );
}

/** The handover waiting for an answer, if any: a lot has at most one at a time. */
export function pendingHandover(lot: OpenedLot): LotHandover | null {
  return lot.handovers.find((handover) => handover.status === 'offered') ?? null;
}

export function decideLot(command: LotCommand, state: LotState): LotEvent[] {
  const { occurredAt } = command;
  switch (command.kind) {
    case 'OpenLot':
    case 'CollectBulkWeee': {
      if (isOpenedLot(state)) {
        throw new DomainError('conflict', LotErrorCodes.lotAlreadyExists, `Lot ${command.lotId} already exists`);
      }
      if (command.data.lotId !== command.lotId) {
        throw invalid(
          LotErrorCodes.lotIdMismatch,
          'lotId',
          `The body names lot ${command.data.lotId}, not ${command.lotId}`,
        );
      }
      requireSelf(command.organisationId, command.data.organisationId);
      checkOccurredAt(occurredAt, command.now, null);
      if (command.kind === 'OpenLot') return [{ type: 'LotOpened', occurredAt, data: command.data }];
      checkMass(command.data.massKg, 'massKg');
      return [{ type: 'BulkWeeeCollected', occurredAt, data: command.data }];
    }
    case 'AddDevicesToLot': {
      const lot = requireHeldBy(state, command);
      if (lot.bulk !== null) {
        throw ruleBroken(
          LotErrorCodes.lotIsBulk,
          `Lot ${lot.lotId} is bulk WEEE weighed as a whole: it holds no tracked devices`,
          'deviceIds',
        );
      }
      requireNoPendingHandover(lot);
      if (lot.deviceIds.length + command.data.deviceIds.length > MAX_DEVICES_PER_LOT) {
        throw ruleBroken(
          LotErrorCodes.lotFull,
          `Lot ${lot.lotId} has ${lot.deviceIds.length} devices; a lot holds at most ${MAX_DEVICES_PER_LOT}`,
          'deviceIds',
        );
      }
      const seen = new Set<string>();
      command.data.deviceIds.forEach((deviceId, index) => {
        const field = `deviceIds[${index}]`;
        if (seen.has(deviceId)) {
          throw invalid(LotErrorCodes.duplicateDevice, field, `Device ${deviceId} is listed twice`);
        }
        seen.add(deviceId);
        if (lot.deviceIds.includes(deviceId)) {
          throw new DomainError(
            'conflict',
            LotErrorCodes.deviceAlreadyInLot,
            `Device ${deviceId} is already in lot ${lot.lotId}`,
            field,
          );
        }
        requireHeld(command.devices.get(deviceId), deviceId, lot.holder, field);
      });
      checkOccurredAt(occurredAt, command.now, lot.lastOccurredAt);
      return [{ type: 'DevicesAddedToLot', occurredAt, data: command.data }];
    }
    case 'OfferLotHandover': {
      const lot = requireHeldBy(state, command);
      requireNoPendingHandover(lot);
      if (lot.handovers.some((handover) => handover.handoverId === command.data.handoverId)) {
        throw new DomainError(
          'conflict',
          LotErrorCodes.handoverIdTaken,
          `Lot ${lot.lotId} already has a handover ${command.data.handoverId}`,
          'handoverId',
        );
      }
      if (command.data.toOrganisationId === lot.holder) {
        throw invalid(
          LotErrorCodes.handoverToHolder,
          'toOrganisationId',
          `${lot.holder} holds lot ${lot.lotId} already: a handover goes to another organisation`,
        );
      }
      if (lot.bulk === null && lot.deviceIds.length === 0) {
        throw ruleBroken(LotErrorCodes.lotEmpty, `Lot ${lot.lotId} has no devices: add them before handing it over`);
      }
      requireDevicesHeld(lot, command.devices);
      checkOccurredAt(occurredAt, command.now, lot.lastOccurredAt);
      return [{ type: 'LotHandoverOffered', occurredAt, data: command.data }];
    }
    case 'AcceptLotHandover':
    case 'RejectLotHandover': {
      const lot = requireLot(state, command.lotId);
      const handover = lot.handovers.find((each) => each.handoverId === command.data.handoverId);
      if (handover === undefined) {
        throw new DomainError(
          'not-found',
          LotErrorCodes.handoverNotFound,
          `Lot ${lot.lotId} has no handover ${command.data.handoverId}`,
        );
      }
      if (command.organisationId !== handover.toOrganisationId) {
        throw new DomainError(
          'forbidden',
          LotErrorCodes.notHandoverReceiver,
          `Only ${handover.toOrganisationId}, the receiver of handover ${handover.handoverId}, answers it`,
        );
      }
      if (handover.status !== 'offered') {
        throw new DomainError(
          'conflict',
          handover.status === 'accepted'
            ? LotErrorCodes.handoverAlreadyAccepted
            : LotErrorCodes.handoverAlreadyRejected,
          `Handover ${handover.handoverId} was already ${handover.status}; a handover is answered once`,
        );
      }
      checkOccurredAt(occurredAt, command.now, lot.lastOccurredAt);
      if (command.kind === 'RejectLotHandover')
        return [{ type: 'LotHandoverRejected', occurredAt, data: command.data }];
      checkMass(command.data.receivedMassKg, 'receivedMassKg');
      // Something may have happened to a device since the offer (sold, recycled, handed elsewhere):
      // the receiver cannot take what the sender no longer holds, and rejects the handover instead.
      requireDevicesHeld(
        { ...lot, holder: handover.fromOrganisationId, deviceIds: handover.deviceIds },
        command.devices,
      );
      return [{ type: 'LotHandoverAccepted', occurredAt, data: command.data }];
    }
    default:
      return assertNever(command);
  }
}

function requireLot(state: LotState, lotId: string): OpenedLot {
  if (!isOpenedLot(state)) throw new DomainError('not-found', LotErrorCodes.lotNotFound, `No lot ${lotId} exists`);
  return state;
}

/** Only the lot's holder adds to it or hands it over. */
function requireHeldBy(state: LotState, command: LotCommand): OpenedLot {
  const lot = requireLot(state, command.lotId);
  if (command.organisationId !== lot.holder) {
    throw new DomainError(
      'forbidden',
      LotErrorCodes.notLotHolder,
      `Lot ${lot.lotId} is held by ${lot.holder}; only its holder changes it or hands it over`,
    );
  }
  return lot;
}

/** An organisation opens lots as itself. */
function requireSelf(asking: string, named: string): void {
  if (asking !== named) {
    throw new DomainError(
      'forbidden',
      LotErrorCodes.notLotHolder,
      `Your organisation opens lots as itself: organisationId must be ${asking}`,
      'organisationId',
    );
  }
}

function requireNoPendingHandover(lot: OpenedLot): void {
  const pending = pendingHandover(lot);
  if (pending !== null) {
    throw new DomainError(
      'conflict',
      LotErrorCodes.handoverPending,
      `Lot ${lot.lotId} is offered to ${pending.toOrganisationId} (handover ${pending.handoverId}): it is answered first`,
    );
  }
}

function requireDevicesHeld(
  lot: Pick<OpenedLot, 'holder' | 'deviceIds'>,
  devices: ReadonlyMap<string, DeviceHolding>,
): void {
  lot.deviceIds.forEach((deviceId) => requireHeld(devices.get(deviceId), deviceId, lot.holder, null));
}

function requireHeld(device: DeviceHolding | undefined, deviceId: string, holder: string, field: string | null): void {
  if (device === undefined || !device.registered) {
    throw new DomainError(
      'not-found',
      ErrorCodes.deviceNotFound,
      `No device ${deviceId} is registered`,
      field ?? undefined,
    );
  }
  if (device.recycled || device.holder !== holder) {
    const now = device.recycled
      ? 'has been recycled'
      : device.holder === null
        ? 'is held by no organisation'
        : `is held by ${device.holder}`;
    throw ruleBroken(
      LotErrorCodes.deviceNotHeld,
      `Device ${deviceId} ${now}, not by ${holder}: a lot holds only devices its holder holds`,
      field ?? undefined,
    );
  }
}

/** The schemas bound a lot's mass to MAX_MASS_KG (10 t, a large container); the domain holds any command to the floor. */
function checkMass(massKg: number, field: string): void {
  if (!(massKg > 0) || !Number.isFinite(massKg)) {
    throw invalid(ErrorCodes.nonPositiveWeight, field, `${field} must be a positive number of kilograms`);
  }
}

export const lotDecider: Decider<LotCommand, LotEvent, LotState> = {
  decide: decideLot,
  evolve: evolveLot,
  initialState: initialLotState,
};
