/**
 * From an erasure report to wipes (docs/erasure.md, ADR 0023). Each medium is matched to a device:
 *
 * 1. the device the report names for it (Blancco's system block, CSV `device_id` or
 *    `device_manufacturer` + `device_serial`);
 * 2. else the drive register: the device the same drive serial was last recorded in (by an earlier
 *    report or a person resolving the queue);
 * 3. else it waits in the organisation's queue for a person to name the device.
 *
 * The media matched to one device become one `RecordDataWipe` command, decided and appended through
 * the normal command path (the same rules as `POST /devices/{id}/data-wipes`), with an idempotency
 * key from the report's id and the device: the same report imported again appends nothing. A device
 * the command path refuses (not registered, recycled, a time before its history) sends its media
 * to the queue with the refusal as the reason.
 */
import { createHash } from 'node:crypto';
import { DomainError, deviceIdOf, isWellFormedDeviceId, type DeviceDataWipedData } from '#kierto/domain';
import type { CommandContext, CommandOutcome } from '#kierto/application';
import type { Actor } from '#kierto/event-store';
import { combinedWipe, type ErasedMedium, type ErasureReport } from '#kierto/interop';
import { validateRequest } from '#kierto/schemas';
import type { ErasureStore, MediumOutcome, StoredReport, UnmatchedMedium } from './erasure-store.js';

/** Records one device command; the controller passes the CQRS command bus. */
export type RecordWipe = (
  deviceId: string,
  occurredAt: string,
  data: DeviceDataWipedData,
  context: CommandContext,
) => Promise<CommandOutcome>;

/** What a wipe's `certificateId` says for a wipe recorded from a report. */
export const evidenceOf = (reportId: string): string => `erasure-report:${reportId}`;

const UNREADABLE_SERIAL = 'unreadable';

export function unmatchedIdOf(reportId: string, index: number): string {
  return createHash('sha256').update(`${reportId}\n${index}`).digest('hex').slice(0, 24);
}

/** The device a report names for a medium, or why the name is not one. */
function namedDevice(medium: ErasedMedium): { deviceId: string } | { reason: string } | null {
  const host = medium.host;
  if (host === null) return null;
  if (host.deviceId !== null) {
    return isWellFormedDeviceId(host.deviceId)
      ? { deviceId: host.deviceId }
      : { reason: `INVALID_DEVICE_ID: ${host.deviceId}` };
  }
  if (host.manufacturer === null || host.serialNumber === null) return null;
  try {
    return { deviceId: deviceIdOf({ manufacturer: host.manufacturer, serialNumber: host.serialNumber }) };
  } catch (error) {
    return { reason: error instanceof DomainError ? `${error.code}: ${error.message}` : String(error) };
  }
}

/** The wipe of one device from its media in the report. */
export function wipeOf(report: ErasureReport, reportId: string, media: readonly ErasedMedium[]): DeviceDataWipedData {
  const combined = combinedWipe(media);
  return {
    standard: 'NIST SP 800-88',
    method: combined.method,
    technique: combined.technique,
    tool: report.tool,
    media: media.map((medium) => ({
      type: medium.type,
      serialNumber: medium.serialNumber ?? UNREADABLE_SERIAL,
      capacityGb: medium.capacityGb,
      result: medium.result,
    })),
    verification: combined.verification,
    result: combined.result,
    certificateId: evidenceOf(reportId),
  };
}

/** When the device's wipe happened: the last medium's finish, else the time the report arrived. */
function occurredAtOf(media: readonly ErasedMedium[], receivedAt: string): string {
  const times = media
    .map((medium) => medium.finishedAt ?? medium.startedAt)
    .filter((time): time is string => time !== null);
  if (times.length === 0) return receivedAt;
  return times.reduce((latest, time) => (Date.parse(time) > Date.parse(latest) ? time : latest));
}

export interface ImportInput {
  readonly report: ErasureReport;
  readonly reportId: string;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly receivedAt: string;
}

export interface ImportResult {
  readonly replayed: boolean;
  readonly report: StoredReport;
}

function contextOf(
  input: { actor: Actor; correlationId: string },
  key: string,
  data: DeviceDataWipedData,
): CommandContext {
  return {
    actor: input.actor,
    correlationId: input.correlationId,
    causationId: null,
    idempotencyKey: key,
    requestFingerprint: createHash('sha256').update(JSON.stringify(data)).digest('hex'),
    expectedRevision: null,
    newEventId: () => {
      throw new Error('erasure wipes always carry an idempotency key');
    },
  };
}

/** Why the command path refused a wipe, for the queue; other errors (store down) propagate. */
function refusalOf(error: unknown): string | null {
  if (error instanceof DomainError) return `${error.code}: ${error.message}`;
  return null;
}

export async function importErasureReport(
  store: ErasureStore,
  record: RecordWipe,
  input: ImportInput,
): Promise<ImportResult> {
  const organisationId = input.actor.organisationId;
  const earlier = await store.report(organisationId, input.reportId);
  if (earlier !== null) return { replayed: true, report: earlier };

  const byDevice = new Map<string, ErasedMedium[]>();
  const waiting = new Map<number, string>();
  for (const medium of input.report.media) {
    const named = namedDevice(medium);
    let deviceId: string | null = named !== null && 'deviceId' in named ? named.deviceId : null;
    if (named !== null && 'reason' in named) waiting.set(medium.index, named.reason);
    else if (deviceId === null && medium.serialNumber !== null)
      deviceId = await store.deviceOfDrive(medium.serialNumber);
    if (deviceId !== null) byDevice.set(deviceId, [...(byDevice.get(deviceId) ?? []), medium]);
    else if (!waiting.has(medium.index)) {
      waiting.set(
        medium.index,
        medium.serialNumber === null
          ? 'NO_MATCH: the report names no device and the drive serial is unreadable'
          : `NO_MATCH: drive ${medium.serialNumber} is in no device Kierto knows`,
      );
    }
  }

  const recorded = new Map<number, { deviceId: string; eventId: string }>();
  for (const [deviceId, media] of byDevice) {
    const data = wipeOf(input.report, input.reportId, media);
    const occurredAt = occurredAtOf(media, input.receivedAt);
    // A report's values pass the bounds a typed wipe passes (lengths, capacities), else they wait.
    const problems = schemaProblems(occurredAt, data);
    if (problems.length > 0) {
      for (const medium of media) waiting.set(medium.index, `INVALID_WIPE: ${problems.join('; ')}`);
      continue;
    }
    try {
      const outcome = await record(
        deviceId,
        occurredAt,
        data,
        contextOf(input, `erasure-report:${input.reportId}:${deviceId}`, data),
      );
      const eventId = outcome.events[0]?.eventId ?? '';
      for (const medium of media) recorded.set(medium.index, { deviceId, eventId });
    } catch (error) {
      const reason = refusalOf(error);
      if (reason === null) throw error;
      for (const medium of media) waiting.set(medium.index, `${reason} (device ${deviceId})`);
    }
  }

  const outcomes: MediumOutcome[] = input.report.media.map((medium) => {
    const done = recorded.get(medium.index);
    return done !== undefined
      ? { index: medium.index, deviceId: done.deviceId, eventId: done.eventId, reason: null, unmatchedId: null }
      : {
          index: medium.index,
          deviceId: null,
          eventId: null,
          reason: waiting.get(medium.index) ?? 'NO_MATCH',
          unmatchedId: unmatchedIdOf(input.reportId, medium.index),
        };
  });
  const stored: StoredReport = {
    organisationId,
    id: input.reportId,
    format: input.report.format,
    tool: input.report.tool,
    toolReportId: input.report.toolReportId,
    receivedAt: input.receivedAt,
    media: input.report.media,
    outcomes,
  };
  const unmatched: UnmatchedMedium[] = outcomes.flatMap((outcome) => {
    const medium = input.report.media[outcome.index];
    if (outcome.unmatchedId === null || medium === undefined) return [];
    return [
      {
        id: outcome.unmatchedId,
        organisationId,
        reportId: input.reportId,
        medium,
        reason: outcome.reason ?? 'NO_MATCH',
        queuedAt: input.receivedAt,
        resolution: null,
      },
    ];
  });
  await store.linkDrives(linksOf(input.report.media, recorded), input.receivedAt);
  // A concurrent import of the same report saved first: its outcome is the report's (the wipes are
  // the same events, by their idempotency keys).
  const saved = await store.saveReport(stored, unmatched);
  if (!saved) return { replayed: true, report: (await store.report(organisationId, input.reportId)) ?? stored };
  return { replayed: false, report: stored };
}

function linksOf(
  media: readonly ErasedMedium[],
  recorded: ReadonlyMap<number, { deviceId: string }>,
): { serialNumber: string; deviceId: string }[] {
  return media.flatMap((medium) => {
    const done = recorded.get(medium.index);
    return done === undefined || medium.serialNumber === null
      ? []
      : [{ serialNumber: medium.serialNumber, deviceId: done.deviceId }];
  });
}

/**
 * A person names the device a queued medium sat in: its wipe is recorded there (one wipe, this
 * medium), the drive register learns the link, and the queue entry is closed. Idempotent: the same
 * resolution again answers with the same event.
 */
export async function resolveUnmatched(
  store: ErasureStore,
  record: RecordWipe,
  input: {
    readonly item: UnmatchedMedium;
    readonly deviceId: string;
    readonly actor: Actor;
    readonly correlationId: string;
    readonly now: string;
  },
): Promise<CommandOutcome> {
  const report = await store.report(input.item.organisationId, input.item.reportId);
  if (report === null) throw new Error(`The report ${input.item.reportId} of a queued medium is missing`);
  const tool = { format: report.format, tool: report.tool, toolReportId: report.toolReportId, media: report.media };
  const data = wipeOf(tool, report.id, [input.item.medium]);
  const outcome = await record(
    input.deviceId,
    occurredAtOf([input.item.medium], report.receivedAt),
    data,
    contextOf(input, `erasure-resolution:${input.item.id}:${input.deviceId}`, data),
  );
  if (input.item.medium.serialNumber !== null) {
    await store.linkDrives([{ serialNumber: input.item.medium.serialNumber, deviceId: input.deviceId }], input.now);
  }
  await store.resolve(input.item.organisationId, input.item.id, {
    deviceId: input.deviceId,
    eventId: outcome.events[0]?.eventId ?? '',
    resolvedAt: input.now,
  });
  return outcome;
}

/** The wipe data as the public request schema checks it: a report's values pass the same bounds as a typed wipe. */
export function schemaProblems(occurredAt: string, data: DeviceDataWipedData): string[] {
  const result = validateRequest('RecordDataWipe', { occurredAt, ...data });
  return result.ok ? [] : result.errors.map((error) => `${error.field}: ${error.message}`);
}
