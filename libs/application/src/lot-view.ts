/**
 * What `GET /lots/{lotId}` shows (docs/adr/0026-lots-and-handovers.md): the lot folded from its
 * stream, its devices as their streams describe them, and each handover with the weighbridge
 * reconciliation of an accepted one: the mass the receiver weighed against what it should weigh
 * (the sum of the unit weights of the devices handed over, or a bulk lot's collected mass), with the
 * difference. Read straight from the streams, so it is as current as the last append.
 */
import { isRegistered, type HandoverStatus, type LotKind, type WeeeCategory } from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';
import { deviceStreams, foldStream, lotStreams } from './streams.js';

export interface LotDeviceView {
  readonly deviceId: string;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly serialNumber: string | null;
  readonly weeeCategory: WeeeCategory | null;
  /** Measured at its latest collection, else the product's weight; null when neither is known. */
  readonly unitWeightKg: number | null;
}

export interface WeighbridgeReconciliation {
  /** The sum of the known unit weights of the devices handed over, or a bulk lot's collected mass. */
  readonly expectedKg: number;
  readonly receivedKg: number;
  /** received − expected, kg to the gram: positive when the load weighed more than its units. */
  readonly differenceKg: number;
  /** The difference against the expected mass, % to one decimal; null when nothing was expected. */
  readonly differencePercent: number | null;
  /** Devices of the handover without a known weight: the expected mass leaves them out. */
  readonly unitsWithoutWeight: number;
}

export interface HandoverView {
  readonly handoverId: string;
  readonly lotId: string;
  readonly fromOrganisationId: string;
  readonly toOrganisationId: string;
  readonly status: HandoverStatus;
  readonly offeredAt: string;
  readonly note: string | null;
  readonly deviceIds: readonly string[];
  readonly answeredAt: string | null;
  readonly receivedMassKg: number | null;
  readonly weighbridgeTicket: string | null;
  readonly rejectionReason: string | null;
  /** Of an accepted handover only. */
  readonly weighbridge: WeighbridgeReconciliation | null;
}

export interface LotView {
  readonly lotId: string;
  readonly kind: LotKind;
  readonly label: string | null;
  /** The organisation holding the lot now. */
  readonly holder: string;
  readonly openedBy: string;
  readonly openedAt: string;
  readonly tracking: 'units' | 'bulk';
  readonly bulk: {
    readonly weeeCategory: WeeeCategory;
    readonly massKg: number;
    readonly collectionPointId: string;
    readonly country: string;
    readonly onBehalfOf: string | null;
    readonly weighbridgeTicket: string | null;
  } | null;
  readonly devices: readonly LotDeviceView[];
  /** The sum of the known unit weights of the lot's devices, kg to the gram. */
  readonly unitWeightTotalKg: number;
  readonly handovers: readonly HandoverView[];
  /** The lot stream's revision: its ETag. */
  readonly revision: number;
}

const grams = (kg: number): number => Math.round(kg * 1000) / 1000;

/** A text field of stored event data; the store holds only validated data, so absent is the only other case. */
const textOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);

export function lotDeviceView(deviceId: string, history: readonly StoredEvent[]): LotDeviceView {
  const { state } = foldStream(deviceStreams, history);
  if (!isRegistered(state)) {
    return { deviceId, manufacturer: null, model: null, serialNumber: null, weeeCategory: null, unitWeightKg: null };
  }
  return {
    deviceId,
    manufacturer: state.product.manufacturer ?? null,
    model: state.product.model ?? null,
    serialNumber: state.product.serialNumber ?? null,
    weeeCategory: state.product.weeeCategory,
    unitWeightKg: state.measuredWeightKg ?? state.product.weightKg ?? null,
  };
}

function reconcile(expectedKg: number, receivedKg: number, unitsWithoutWeight: number): WeighbridgeReconciliation {
  const differenceKg = grams(receivedKg - expectedKg);
  return {
    expectedKg: grams(expectedKg),
    receivedKg,
    differenceKg,
    differencePercent: expectedKg > 0 ? Math.round((differenceKg / expectedKg) * 1000) / 10 : null,
    unitsWithoutWeight,
  };
}

/** The lot, or null when no lot has this stream's history. */
export function lotViewOf(
  lotHistory: readonly StoredEvent[],
  deviceHistories: ReadonlyMap<string, readonly StoredEvent[]>,
): LotView | null {
  const { state, revision } = foldStream(lotStreams, lotHistory);
  const first = lotHistory[0];
  if (state.status !== 'open' || first === undefined || revision === null) return null;
  const devices = new Map(
    state.deviceIds.map((deviceId) => [deviceId, lotDeviceView(deviceId, deviceHistories.get(deviceId) ?? [])]),
  );
  // The opening event (LotOpened or BulkWeeeCollected) holds what the fold does not keep.
  const opening = first.data;
  const handovers: HandoverView[] = state.handovers.map((handover) => {
    const offer = lotHistory.find(
      (event) => event.type === 'LotHandoverOffered' && event.data['handoverId'] === handover.handoverId,
    );
    // What the fold does not keep (note, received mass, ticket, reason) is read from the events.
    const answer = lotHistory.find(
      (event) =>
        (event.type === 'LotHandoverAccepted' || event.type === 'LotHandoverRejected') &&
        event.data['handoverId'] === handover.handoverId,
    );
    const received = typeof answer?.data['receivedMassKg'] === 'number' ? answer.data['receivedMassKg'] : null;
    const units = handover.deviceIds.map((deviceId) => devices.get(deviceId)?.unitWeightKg ?? null);
    const unitsKg = units.reduce<number>((sum, kg) => sum + (kg ?? 0), 0);
    const expectedKg = state.bulk === null ? unitsKg : state.bulk.massKg;
    return {
      handoverId: handover.handoverId,
      lotId: state.lotId,
      fromOrganisationId: handover.fromOrganisationId,
      toOrganisationId: handover.toOrganisationId,
      status: handover.status,
      offeredAt: handover.offeredAt,
      note: textOf(offer?.data['note']),
      deviceIds: handover.deviceIds,
      answeredAt: handover.answeredAt,
      receivedMassKg: received,
      weighbridgeTicket: textOf(answer?.data['weighbridgeTicket']),
      rejectionReason: textOf(answer?.data['reason']),
      weighbridge:
        handover.status === 'accepted' && received !== null
          ? reconcile(expectedKg, received, units.filter((kg) => kg === null).length)
          : null,
    };
  });
  return {
    lotId: state.lotId,
    kind: state.kind,
    label: textOf(opening['label']),
    holder: state.holder,
    openedBy: first.actor.organisationId,
    openedAt: first.occurredAt,
    tracking: state.bulk === null ? 'units' : 'bulk',
    bulk:
      state.bulk === null
        ? null
        : {
            weeeCategory: state.bulk.weeeCategory,
            massKg: state.bulk.massKg,
            collectionPointId: textOf(opening['collectionPointId']) ?? '',
            country: textOf(opening['country']) ?? '',
            onBehalfOf: textOf(opening['onBehalfOf']),
            weighbridgeTicket: textOf(opening['weighbridgeTicket']),
          },
    devices: [...devices.values()],
    unitWeightTotalKg: grams([...devices.values()].reduce((sum, device) => sum + (device.unitWeightKg ?? 0), 0)),
    handovers,
    revision,
  };
}
