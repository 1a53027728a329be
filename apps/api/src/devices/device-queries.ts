import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { digitalLinkPathOf, isRegistered, type DeviceState } from '#kierto/domain';
import { foldHistory } from '#kierto/application';
import type { EventStore, StoredEvent } from '#kierto/event-store';
import { EVENT_STORE } from '../event-store.provider.js';

export interface DeviceHistory {
  readonly deviceId: string;
  readonly events: readonly StoredEvent[];
}

export interface DeviceSummary {
  readonly deviceId: string;
  readonly digitalLink: string | null;
  readonly revision: number;
  readonly state: Exclude<DeviceState, { status: 'unregistered' }>;
}

/** A device's stored events with their full envelopes, or null when there are none. */
export class GetDeviceHistory extends Query<DeviceHistory | null> {
  constructor(readonly deviceId: string) {
    super();
  }
}

/** A device's current state folded from its stream, or null when it is not registered. */
export class GetDeviceSummary extends Query<DeviceSummary | null> {
  constructor(readonly deviceId: string) {
    super();
  }
}

@QueryHandler(GetDeviceHistory)
export class GetDeviceHistoryHandler implements IQueryHandler<GetDeviceHistory> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ deviceId }: GetDeviceHistory): Promise<DeviceHistory | null> {
    const events = await this.store.readStream(deviceId);
    return events.length === 0 ? null : { deviceId, events };
  }
}

@QueryHandler(GetDeviceSummary)
export class GetDeviceSummaryHandler implements IQueryHandler<GetDeviceSummary> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ deviceId }: GetDeviceSummary): Promise<DeviceSummary | null> {
    const { state, revision } = foldHistory(await this.store.readStream(deviceId));
    if (!isRegistered(state) || revision === null) return null;
    return { deviceId, digitalLink: digitalLinkPathOf(deviceId), revision, state };
  }
}
