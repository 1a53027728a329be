/**
 * Lot commands (libs/domain/src/lots.ts, docs/adr/0026-lots-and-handovers.md). A lot command is
 * decided on the lot's stream and on what its devices' streams say now (who holds each): those are
 * read here and handed to the decider. An accepted handover also records DeviceHandedOver on every
 * device of the handover; the lot's event and the devices' are appended in one transaction
 * (appendMany), so a passport never shows a holder that the lot does not, and a refusal of any one
 * device appends nothing at all.
 */
import { lotStreamId, type DeviceCommand, type DeviceHolding, type LotCommand, type LotState } from '#kierto/domain';
import type { AppendRequest, EventStore, StoredEvent } from '#kierto/event-store';
import { decideCommand } from './decide-command.js';
import {
  earlierRequestEvents,
  eventIdsOf,
  readToDecide,
  requestEventsFrom,
  retryOnConflict,
  type CommandContext,
} from './handle-command.js';
import { deviceStreams, foldStream, lotStreams } from './streams.js';

/** A lot command as the edge builds it: the devices' holdings are read here, not given. */
export type LotRequest = WithoutDevices<LotCommand>;
/** Distributes over the union, so each kind keeps its own data type. */
type WithoutDevices<C> = C extends LotCommand ? Omit<C, 'devices'> : never;

export interface LotCommandOutcome {
  readonly lotId: string;
  /** The lot's events, then each device's DeviceHandedOver (an accepted handover). */
  readonly events: readonly StoredEvent[];
  /** The lot stream's revision after the command. */
  readonly revision: number;
  readonly replayed: boolean;
}

/**
 * Who holds a device, by its history: the organisation that recorded the latest placing on the
 * market or collection, or the receiver of the latest accepted handover; nobody after a sale, after
 * recycling, or for a history a repair café started (the owner's). The same rule as the stock read
 * model (libs/projections/src/stock/stock.ts).
 */
export function holdingOf(history: readonly StoredEvent[]): DeviceHolding {
  let registered = false;
  let holder: string | null = null;
  let recycled = false;
  for (const event of history) {
    switch (event.type) {
      case 'DevicePlacedOnMarket':
        registered = true;
        holder = event.actor.organisationId;
        break;
      case 'DeviceCollected':
        if (!registered && event.data['product'] === undefined) break;
        registered = true;
        holder = event.actor.organisationId;
        break;
      case 'DeviceRepaired':
        if (!registered && event.data['product'] !== undefined) {
          registered = true;
          holder = null;
        }
        break;
      case 'DeviceResold':
        holder = null;
        break;
      case 'DeviceRecycled':
        holder = null;
        recycled = true;
        break;
      case 'DeviceHandedOver': {
        const to = event.data['toOrganisationId'];
        holder = typeof to === 'string' ? to : holder;
        break;
      }
      default:
        break;
    }
  }
  return { registered, holder, recycled };
}

/** The devices a lot command concerns: those added, or those of the lot or of the handover answered. */
function devicesConcerned(request: LotRequest, state: LotState): readonly string[] {
  if (request.kind === 'AddDevicesToLot') return request.data.deviceIds;
  if (state.status !== 'open') return [];
  if (request.kind === 'OfferLotHandover') return state.deviceIds;
  if (request.kind === 'AcceptLotHandover') {
    return state.handovers.find((each) => each.handoverId === request.data.handoverId)?.deviceIds ?? [];
  }
  return [];
}

export async function readHistories(
  store: EventStore,
  deviceIds: readonly string[],
): Promise<Map<string, StoredEvent[]>> {
  // A device's stream id is its device id.
  if (store.readStreams !== undefined) {
    const byStream = await store.readStreams(deviceIds);
    return new Map(deviceIds.map((deviceId) => [deviceId, byStream.get(deviceId) ?? []]));
  }
  const histories = new Map<string, StoredEvent[]>();
  for (const deviceId of deviceIds) histories.set(deviceId, await store.readStream(deviceId));
  return histories;
}

/**
 * Handles a lot command: read, decide, append all or nothing, and decide again on the new state when
 * a concurrent writer moved the lot or one of its devices (unless the caller pinned the lot's
 * revision with If-Match), with handleCommand's event ids, idempotency replay and retries.
 */
export async function handleLotCommand(
  store: EventStore,
  request: LotRequest,
  context: CommandContext,
): Promise<LotCommandOutcome> {
  const earlier = await earlierRequestEvents(store, context);
  if (earlier !== null) return replayed(request.lotId, earlier);
  const eventIdAt = eventIdsOf(context);
  const lotStream = lotStreamId(request.lotId);
  return retryOnConflict(
    context,
    async () => {
      const { state, expectedRevision } = await readToDecide(store, lotStreams, lotStream, context);
      const histories = await readHistories(store, devicesConcerned(request, state));
      const devices = new Map([...histories].map(([deviceId, history]) => [deviceId, holdingOf(history)]));
      // The request plus what decide needs of the devices: the same kind and data, so the same variant.
      const command = { ...request, devices } as LotCommand;
      const envelope = {
        eventId: eventIdAt,
        actor: context.actor,
        correlationId: context.correlationId,
        causationId: context.causationId,
        metadata: { requestFingerprint: context.requestFingerprint },
      };
      const decided = decideCommand(lotStreams, state, command, envelope);
      const requests: AppendRequest[] = [{ streamId: lotStream, events: decided.events, expectedRevision }];
      const accepted = decided.events[0];
      const handover =
        request.kind === 'AcceptLotHandover' && state.status === 'open'
          ? state.handovers.find((each) => each.handoverId === request.data.handoverId)
          : undefined;
      if (handover !== undefined && accepted !== undefined) {
        let index = decided.events.length;
        for (const deviceId of handover.deviceIds) {
          const device = foldStream(deviceStreams, histories.get(deviceId) ?? []);
          const handedOver: DeviceCommand = {
            kind: 'RecordHandover',
            deviceId,
            occurredAt: request.occurredAt,
            now: request.now,
            data: {
              lotId: request.lotId,
              handoverId: handover.handoverId,
              fromOrganisationId: handover.fromOrganisationId,
              toOrganisationId: handover.toOrganisationId,
            },
          };
          const first = index;
          const onDevice = decideCommand(deviceStreams, device.state, handedOver, {
            ...envelope,
            eventId: (offset) => eventIdAt(first + offset),
            // Caused by the lot's acceptance: a device's history points at the handover that moved it.
            causationId: accepted.eventId,
          });
          index += onDevice.events.length;
          requests.push({
            streamId: deviceId,
            events: onDevice.events,
            expectedRevision: device.revision ?? 'no-stream',
          });
        }
      }
      return requests;
    },
    async (requests) => {
      const results = await store.appendMany(requests);
      const events = results.flatMap((result) => result.events);
      const lot = results[0];
      if (lot === undefined) throw new Error('appendMany answered no result for the lot stream');
      if (lot.replayed && context.idempotencyKey !== null) {
        const first = lot.events[0];
        if (first !== undefined) {
          return replayed(request.lotId, await requestEventsFrom(store, first, context, context.idempotencyKey));
        }
      }
      return { lotId: request.lotId, events, revision: lot.nextExpectedRevision, replayed: lot.replayed };
    },
  );
}

/** What a replayed lot command answers: the lot stream's revision is its first event's (then come the devices'). */
function replayed(lotId: string, events: readonly [StoredEvent, ...StoredEvent[]]): LotCommandOutcome {
  return { lotId, events, revision: events[0].streamRevision, replayed: true };
}
