/**
 * The offline bundle (docs/audit.md, "Offline bundle"): one JSON file with a device's events (full
 * envelopes), a signed checkpoint, and for each event an RFC 9162 inclusion proof of its hash in the
 * Merkle tree the checkpoint signs. `verifyBundle` needs only the file and the signer's public key.
 *
 * What a valid bundle proves: every event in it, byte for byte, is at its global position in the
 * history that the key's holder verified and signed at the checkpoint, and the events are the
 * device's revisions 0..n-1 without a gap. What it does not prove: that the device has no later
 * event between its last one in the bundle and the checkpoint (inclusion is not completeness), nor
 * anything after the checkpoint.
 */
import type { KeyObject } from 'node:crypto';
import { hashEvent } from '#kierto/event-store';
import type { EventStore, JsonValue, StoredEvent } from '#kierto/event-store';
import { checkpointFromJson, checkpointSignatureProblem, claimOf, type SignedCheckpoint } from './checkpoint.js';
import { eventFromJson, orderedEnvelope } from './envelope.js';
import { AuditInputError, arrayAt, exactObject, integerAt, parseJson, stringAt } from './json-shape.js';
import { InclusionProofBuilder, isHexHash, verifyInclusion } from './merkle.js';
import { verifyChain, type ChainBroken, type VerifyOptions } from './verify-chain.js';

export const BUNDLE_FORMAT = 'kierto-device-bundle/1';

/** The path proving that the event at `position` is leaf position - 1 of the checkpoint's tree. */
export interface InclusionProof {
  readonly position: number;
  /** Subtree hashes (hex), leaf side first (RFC 9162 §2.1.3). */
  readonly path: readonly string[];
}

export interface DeviceBundle {
  readonly format: typeof BUNDLE_FORMAT;
  readonly deviceId: string;
  /** Its `time` says when the history was attested; the file carries no other, unprotected, date. */
  readonly checkpoint: SignedCheckpoint;
  /** The device's events up to the checkpoint, revision 0 first. */
  readonly events: readonly StoredEvent[];
  /** One per event, same order. */
  readonly proofs: readonly InclusionProof[];
}

const BUNDLE_KEYS = ['format', 'deviceId', 'checkpoint', 'events', 'proofs'] as const;

/** No event of this device is stored. */
export class UnknownDeviceError extends AuditInputError {}

/** The store does not verify (or no longer extends the checkpoint): nothing is exported. */
export class ChainBrokenError extends AuditInputError {
  constructor(readonly verdict: ChainBroken) {
    super(`The store does not verify at position ${verdict.position} (${verdict.reason}): ${verdict.detail}`);
  }
}

export type ExportOptions = Pick<VerifyOptions, 'pageSize' | 'revisionWindow'>;

export interface ExportOutcome {
  readonly bundle: DeviceBundle;
  /** The device's events after the checkpoint's position: not in the bundle (sign a newer checkpoint). */
  readonly laterEvents: number;
}

/**
 * One streaming pass over positions 1..checkpoint.position: verifies the chain and that it still
 * has the checkpoint's head hash and tree root, and collects the inclusion proofs. The bundle's
 * events are taken from that verified pass, not from a separate read.
 */
export async function exportDeviceBundle(
  store: EventStore,
  deviceId: string,
  checkpoint: SignedCheckpoint,
  options: ExportOptions = {},
): Promise<ExportOutcome> {
  const stream = await store.readStream(deviceId);
  if (stream.length === 0) throw new UnknownDeviceError(`No device ${deviceId} is stored`);
  const covered = stream.filter((event) => event.globalPosition <= checkpoint.position);
  if (covered.length === 0) {
    throw new AuditInputError(
      `Every event of ${deviceId} is after the checkpoint's position ${checkpoint.position}: sign a newer checkpoint`,
    );
  }
  const proofs = new InclusionProofBuilder(
    checkpoint.position,
    covered.map((event) => event.globalPosition - 1),
  );
  const events: StoredEvent[] = [];
  const verdict = await verifyChain(store, {
    pageSize: options.pageSize,
    revisionWindow: options.revisionWindow,
    checkpoint: claimOf(checkpoint),
    until: checkpoint.position,
    onEvent: (event) => {
      proofs.add(event.hash);
      if (event.streamId === deviceId) events.push(orderedEnvelope(event));
    },
  });
  if (!verdict.ok) throw new ChainBrokenError(verdict);
  if (
    events.length !== covered.length ||
    events.some((event, i) => event.globalPosition !== covered[i]?.globalPosition)
  ) {
    throw new AuditInputError(`The events of ${deviceId} changed while the bundle was written; export again`);
  }
  const { paths } = proofs.finish();
  const bundle: DeviceBundle = {
    format: BUNDLE_FORMAT,
    deviceId,
    checkpoint,
    events,
    proofs: events.map((event) => ({
      position: event.globalPosition,
      path: paths.get(event.globalPosition - 1) ?? [],
    })),
  };
  return { bundle, laterEvents: stream.length - covered.length };
}

/**
 * The one textual form of a bundle: fixed key order, two-space indentation, final newline.
 * verifyBundle insists on it, so a byte changed anywhere — even into JSON that means the same
 * (`\u00e9` ↔ `\u00E9`, a space ↔ a tab) — makes the file fail, not just changes of meaning.
 */
export function serializeBundle(bundle: DeviceBundle): string {
  const ordered: DeviceBundle = {
    format: bundle.format,
    deviceId: bundle.deviceId,
    checkpoint: {
      position: bundle.checkpoint.position,
      headHash: bundle.checkpoint.headHash,
      treeRoot: bundle.checkpoint.treeRoot,
      time: bundle.checkpoint.time,
      keyId: bundle.checkpoint.keyId,
      signature: bundle.checkpoint.signature,
    },
    events: bundle.events.map(orderedEnvelope),
    proofs: bundle.proofs.map((proof) => ({ position: proof.position, path: [...proof.path] })),
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export type BundleFailureReason =
  /** Not UTF-8, not JSON, or not shaped like a bundle. */
  | 'malformed'
  /** The checkpoint's signature does not verify with the given public key. */
  | 'checkpoint-signature'
  /** An event belongs to another stream. */
  | 'wrong-device'
  /** The events are not the device's revisions 0, 1, 2, … */
  | 'revision-gap'
  /** Global positions do not increase. */
  | 'position-order'
  /** An event's hash is not the hash of its content. */
  | 'hash-mismatch'
  /** Two consecutive positions are not linked by prevHash. */
  | 'broken-link'
  /** An event's hash is not at its position in the checkpoint's tree. */
  | 'not-in-checkpoint'
  /** The event at the checkpoint's position does not have the checkpoint's head hash. */
  | 'checkpoint-mismatch'
  /** Every check passed, but the file is not byte for byte what the exporter writes for it. */
  | 'not-exported-form';

export interface BundleIntact {
  readonly ok: true;
  readonly deviceId: string;
  readonly events: number;
  readonly checkpoint: { readonly position: number; readonly time: string; readonly keyId: string };
}

export interface BundleBroken {
  readonly ok: false;
  readonly reason: BundleFailureReason;
  readonly detail: string;
  /** Index in `events` of the event at fault, when one is. */
  readonly event?: number;
}

export type BundleVerdict = BundleIntact | BundleBroken;

/** Checks a bundle file's bytes without any database. */
export function verifyBundle(bytes: Uint8Array, publicKey: KeyObject): BundleVerdict {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, reason: 'malformed', detail: 'The bundle is not valid UTF-8 text' };
  }
  let bundle: DeviceBundle;
  try {
    bundle = bundleFromJson(parseJson(text, 'The bundle'));
  } catch (error) {
    if (error instanceof AuditInputError) return { ok: false, reason: 'malformed', detail: error.message };
    throw error;
  }
  const signature = checkpointSignatureProblem(bundle.checkpoint, publicKey);
  if (signature !== null) return { ok: false, reason: 'checkpoint-signature', detail: signature };
  const failure = checkEvents(bundle);
  if (failure !== null) return failure;
  if (serializeBundle(bundle) !== text) {
    return {
      ok: false,
      reason: 'not-exported-form',
      detail: 'The file is not byte for byte what the exporter wrote (edited or reformatted); export it again',
    };
  }
  const { checkpoint } = bundle;
  return {
    ok: true,
    deviceId: bundle.deviceId,
    events: bundle.events.length,
    checkpoint: { position: checkpoint.position, time: checkpoint.time, keyId: checkpoint.keyId },
  };
}

function checkEvents(bundle: DeviceBundle): BundleBroken | null {
  const { checkpoint } = bundle;
  const fail = (event: number, reason: BundleFailureReason, detail: string): BundleBroken => ({
    ok: false,
    reason,
    detail,
    event,
  });
  let previous: StoredEvent | undefined;
  for (const [index, event] of bundle.events.entries()) {
    const where = `Event ${index} (${event.eventId}, position ${event.globalPosition})`;
    if (event.streamId !== bundle.deviceId) return fail(index, 'wrong-device', `${where} belongs to ${event.streamId}`);
    if (event.streamRevision !== index) {
      return fail(index, 'revision-gap', `${where} has revision ${event.streamRevision}; expected ${index}`);
    }
    if (previous !== undefined && event.globalPosition <= previous.globalPosition) {
      return fail(index, 'position-order', `${where} does not come after position ${previous.globalPosition}`);
    }
    const recomputed = hashEvent(event);
    if (recomputed !== event.hash) {
      return fail(
        index,
        'hash-mismatch',
        `${where} is stated with hash ${event.hash}, its content hashes to ${recomputed}`,
      );
    }
    if (
      previous !== undefined &&
      event.globalPosition === previous.globalPosition + 1 &&
      event.prevHash !== previous.hash
    ) {
      return fail(index, 'broken-link', `${where} does not link to the event before it`);
    }
    const proof = bundle.proofs[index];
    if (
      event.globalPosition > checkpoint.position ||
      proof === undefined ||
      proof.position !== event.globalPosition ||
      !verifyInclusion(event.hash, event.globalPosition - 1, checkpoint.position, proof.path, checkpoint.treeRoot)
    ) {
      return fail(
        index,
        'not-in-checkpoint',
        `${where} is not proven to be at its position in the history signed at checkpoint position ${checkpoint.position}`,
      );
    }
    if (event.globalPosition === checkpoint.position && event.hash !== checkpoint.headHash) {
      return fail(
        index,
        'checkpoint-mismatch',
        `${where} is at the checkpoint's position but does not have its head hash`,
      );
    }
    previous = event;
  }
  return null;
}

function bundleFromJson(value: JsonValue): DeviceBundle {
  const object = exactObject(value, BUNDLE_KEYS, 'The bundle');
  const format = stringAt(object, 'format', 'bundle');
  if (format !== BUNDLE_FORMAT)
    throw new AuditInputError(`bundle.format is ${JSON.stringify(format)}, not ${BUNDLE_FORMAT}`);
  const events = arrayAt(object, 'events', 'bundle').map((event, i) => eventFromJson(event, `bundle.events[${i}]`));
  if (events.length === 0) throw new AuditInputError('bundle.events is empty');
  const proofs = arrayAt(object, 'proofs', 'bundle').map((proof, i) => proofFromJson(proof, `bundle.proofs[${i}]`));
  if (proofs.length !== events.length) {
    throw new AuditInputError(`bundle.proofs has ${proofs.length} entries for ${events.length} events`);
  }
  return {
    format: BUNDLE_FORMAT,
    deviceId: stringAt(object, 'deviceId', 'bundle'),
    checkpoint: checkpointFromJson(object['checkpoint'], 'bundle.checkpoint'),
    events,
    proofs,
  };
}

function proofFromJson(value: JsonValue | undefined, where: string): InclusionProof {
  const object = exactObject(value, ['position', 'path'], where);
  const path = arrayAt(object, 'path', where);
  if (!path.every(isHexHash))
    throw new AuditInputError(`${where}.path must hold SHA-256 hashes (64 lower-case hex digits)`);
  return { position: integerAt(object, 'position', where, 1), path };
}
