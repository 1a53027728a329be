import type { DeviceEvent, DeviceState } from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';
import { deviceStreams, foldStream, type StreamSnapshot } from './streams.js';

/** Reads a stored event as a device event. The store only holds events validated at append time. */
export function toDeviceEvent(stored: StoredEvent): DeviceEvent {
  return deviceStreams.toEvent(stored);
}

export type DeviceSnapshot = StreamSnapshot<DeviceState>;

export function foldHistory(history: readonly StoredEvent[]): DeviceSnapshot {
  return foldStream(deviceStreams, history);
}
