/**
 * Like with like (docs/benchmarks.md): one append per device, the same work on both sides. Each
 * appender takes the next device, reads its stream, folds it, decides every line of the device with
 * Kierto's domain (`decideCommand`), and appends the decided events with the revision it read, so a
 * concurrent writer would be refused. Kierto does this through its event store; Emmett through
 * `readStream` and `appendToStream(…, { expectedStreamVersion })`. Only the store differs.
 */
import { randomUUID } from 'node:crypto';
import { decideCommand, deviceStreams, foldStream } from '#kierto/application';
import { deviceCommandOf, deviceIdOf, type DeviceEventType, type EventDataByType } from '#kierto/domain';
import type { EventStore, JsonObject, NewEvent, StoredEvent } from '#kierto/event-store';
import { datasetLines, type ImportLine } from './dataset.js';

export interface DeviceGroup {
  readonly deviceId: string;
  readonly lines: ImportLine[];
}

export const benchActor = { organisationId: 'org-bench', role: 'operator', keyId: 'bench-key' };

export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

export function deviceIdFromProduct(line: ImportLine): string {
  const product = line.data['product'] as { manufacturer: string; serialNumber: string };
  return deviceIdOf({ manufacturer: product.manufacturer, serialNumber: product.serialNumber });
}

/** The dataset's first `count` devices, each with its lines (a device's lines are consecutive). */
export function deviceGroups(count: number): DeviceGroup[] {
  const groups: DeviceGroup[] = [];
  for (const line of datasetLines(count)) {
    const deviceId = line.deviceId ?? deviceIdFromProduct(line);
    const last = groups.at(-1);
    if (last?.deviceId === deviceId) last.lines.push(line);
    else groups.push({ deviceId, lines: [line] });
  }
  return groups;
}

/** Every device id of the dataset's first `count` devices, without keeping their lines. */
export function deviceIds(count: number): string[] {
  const ids: string[] = [];
  for (const line of datasetLines(count)) {
    const deviceId = line.deviceId ?? deviceIdFromProduct(line);
    if (ids.at(-1) !== deviceId) ids.push(deviceId);
  }
  return ids;
}

/** The device's lines decided in order on the state folded from what was read. */
function decideDevice(group: DeviceGroup, stored: readonly StoredEvent[], now: string, correlationId: string) {
  const folded = foldStream(deviceStreams, stored);
  let state = folded.state;
  const events: NewEvent[] = [];
  for (const line of group.lines) {
    // The dataset is valid by construction: its data is that of its event type.
    const data = line.data as unknown as EventDataByType[DeviceEventType];
    const command = deviceCommandOf(line.type as DeviceEventType, {
      deviceId: group.deviceId,
      occurredAt: line.occurredAt,
      now,
      data,
    });
    const decided = decideCommand(deviceStreams, state, command, {
      eventId: () => randomUUID(),
      actor: benchActor,
      correlationId,
      causationId: null,
      metadata: {},
      parsedJson: line.data as JsonObject,
    });
    state = decided.state;
    events.push(...decided.events);
  }
  return { events, revision: folded.revision };
}

/** `concurrency` appenders working through the devices; events appended per second of wall time. */
async function perDevice(
  groups: readonly DeviceGroup[],
  concurrency: number,
  handle: (group: DeviceGroup) => Promise<number>,
): Promise<number> {
  let next = 0;
  let events = 0;
  const worker = async (): Promise<void> => {
    for (let group = groups[next++]; group !== undefined; group = groups[next++]) {
      // Not `events += await …`: that reads `events` before the await and loses the other appenders' counts.
      const appended = await handle(group);
      events += appended;
    }
  };
  const { seconds } = await timed(() => Promise.all(Array.from({ length: concurrency }, worker)));
  return events / seconds;
}

/** Kierto's command path: readStream, fold, decide, append with the revision read. */
export function kiertoPerDevice(store: EventStore, groups: readonly DeviceGroup[], concurrency: number) {
  const now = new Date().toISOString();
  const correlationId = randomUUID();
  return perDevice(groups, concurrency, async (group) => {
    const { events, revision } = decideDevice(group, await store.readStream(group.deviceId), now, correlationId);
    await store.append(group.deviceId, events, revision ?? 'no-stream');
    return events.length;
  });
}

/** What the bench uses of an Emmett event store (emmett 0.42 .d.ts, /work/shared/reference/emmett-peer.md). */
export interface EmmettStore {
  readStream(name: string): Promise<{ currentStreamVersion: bigint; events: readonly unknown[] }>;
  appendToStream(
    name: string,
    events: { type: string; data: JsonObject }[],
    options?: { expectedStreamVersion?: bigint },
  ): Promise<unknown>;
  close?(): Promise<void>;
  schema?: { migrate(): Promise<void>; dangerous: { truncate(options?: unknown): Promise<void> } };
}

/**
 * Emmett doing what Kierto does: readStream, fold, decide with Kierto's domain, appendToStream with
 * the version read as expectedStreamVersion (0n for a new stream: Emmett 0.42 checks only numeric
 * versions, emmett-peer.md §4.3). The streams are new, so what is read is empty, as on Kierto's side;
 * a device that already has events would need Emmett's events mapped to Kierto's, so it is refused.
 */
export function emmettPerDevice(
  store: EmmettStore,
  groups: readonly DeviceGroup[],
  concurrency: number,
  prefix: string,
) {
  const now = new Date().toISOString();
  const correlationId = randomUUID();
  return perDevice(groups, concurrency, async (group) => {
    const name = `device-${prefix}${group.deviceId}`;
    const read = await store.readStream(name);
    if (read.events.length > 0) throw new Error(`bench: Emmett stream ${name} is not new`);
    const { events } = decideDevice(group, [], now, correlationId);
    await store.appendToStream(
      name,
      events.map((event) => ({ type: event.type, data: event.data })),
      { expectedStreamVersion: read.currentStreamVersion },
    );
    return events.length;
  });
}
