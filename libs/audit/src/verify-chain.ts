/**
 * `verify`: recomputes the hash chain over the whole store (docs/hash-chain.md) and names the first
 * position that fails and why. It streams the global log page by page through the EventStore port,
 * so memory does not grow with the store:
 * - positions, links and hashes need only the previous event's position and hash;
 * - per-stream revisions need each stream's last revision; the most recent streams are kept in a
 *   bounded window (RecentStreams) and a stream that fell out of it is checked against the store
 *   with one `readStream` from the predecessor's revision (docs/audit.md, "Revisions").
 *
 * What a chain cannot show on its own: a tail cut off cleanly (the remaining chain is intact), and a
 * history rewritten and re-hashed consistently. Both are caught against a signed checkpoint.
 */
import { EventStoreError } from '#kierto/event-store';
import { GENESIS_HASH, hashEvent } from '#kierto/event-store';
import type { EventStore, StoredEvent } from '#kierto/event-store';
import { MerkleBuilder } from './merkle.js';
import { RecentStreams } from './recent-streams.js';

export const DEFAULT_PAGE_SIZE = 1_000;
/** Streams whose last revision is kept in memory: about 350 bytes each, so at most ~17 MB (libs/audit/bench). */
export const DEFAULT_REVISION_WINDOW = 50_000;

export type ChainFailureReason =
  /** The stored hash is not the hash of the stored content: the event was changed after it was stored. */
  | 'hash-mismatch'
  /** prevHash is not the hash of the event before it: an event was removed, inserted or moved. */
  | 'broken-link'
  /** No event at this position while later ones exist: an event was deleted. */
  | 'position-gap'
  /** The store returned positions out of order or twice. */
  | 'position-order'
  /** A stream's revisions are not 0, 1, 2, … in global order. */
  | 'revision-gap'
  /** The events end before the checkpoint's (or the store's own head's) position: the tail was cut off. */
  | 'truncated'
  /** The event at the checkpoint's position has another hash: the history before it was rewritten. */
  | 'checkpoint-mismatch'
  /** The checkpoint's signature does not verify with the given public key (set by the callers). */
  | 'checkpoint-signature'
  /** The store cannot turn a stored row into an event (e.g. its data is no longer JSON). */
  | 'unreadable';

/** What a signed checkpoint claims: the store had exactly this event hash (and tree) at this position. */
export interface CheckpointClaim {
  readonly position: number;
  readonly headHash: string;
  /** RFC 9162 root over the event hashes 1..position (merkle.ts), checked when present. */
  readonly treeRoot?: string;
}

export interface VerifyOptions {
  /** Events per readAll call; default 1 000. */
  readonly pageSize?: number;
  /** Streams whose last revision stays in memory; default 50 000. */
  readonly revisionWindow?: number;
  /** Also prove the store still extends this checkpoint. */
  readonly checkpoint?: CheckpointClaim;
  /** Stop after this position (default: the end of the log); fewer events is `truncated`. */
  readonly until?: number;
  /** Compute the RFC 9162 root of the verified events (for signing a checkpoint). */
  readonly treeRoot?: boolean;
  /** Called with every event once it verified, in global order (e.g. to build inclusion proofs). */
  readonly onEvent?: (event: StoredEvent) => void;
}

export interface ChainIntact {
  readonly ok: true;
  /** The last verified position: the chain is intact from 1 up to here. */
  readonly position: number;
  /** Hash of the event at `position` (GENESIS_HASH for an empty store). */
  readonly headHash: string;
  readonly events: number;
  /** Streams checked against the store because they had left the revision window. */
  readonly streamLookups: number;
  readonly treeRoot?: string;
  /** Present when a checkpoint was given: the store extends it. */
  readonly checkpoint?: { readonly position: number; readonly headHash: string };
}

export interface ChainBroken {
  readonly ok: false;
  /** The first position that fails. */
  readonly position: number;
  readonly reason: ChainFailureReason;
  readonly detail: string;
  /** The chain is intact from 1 up to this position. */
  readonly verifiedUpTo: number;
}

export type ChainVerdict = ChainIntact | ChainBroken;

/** Verifies the whole store (or up to `options.until`), streaming. */
export async function verifyChain(store: EventStore, options: VerifyOptions = {}): Promise<ChainVerdict> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a positive integer');
  const until = options.until ?? Number.POSITIVE_INFINITY;
  const { checkpoint } = options;
  // Read first: events appended while we verify only extend the chain, so the head we saw must be reached.
  const headAtStart = await store.headPosition();
  const recent = new RecentStreams(options.revisionWindow ?? DEFAULT_REVISION_WINDOW);
  const tree = options.treeRoot === true || checkpoint?.treeRoot !== undefined ? new MerkleBuilder() : null;
  let position = 0;
  let headHash = GENESIS_HASH;
  let streamLookups = 0;
  const broken = (at: number, reason: ChainFailureReason, detail: string): ChainBroken => ({
    ok: false,
    position: at,
    reason,
    detail,
    verifiedUpTo: position,
  });

  while (position < until) {
    const page = await readPage(store, position, Math.min(pageSize, until - position));
    if (page.events.length === 0 && page.unreadable === undefined) break;
    for (const event of page.events) {
      const failure = checkEvent(event, position + 1, headHash);
      if (failure !== null) return broken(position + 1, failure.reason, failure.detail);
      const revision = await checkRevision(store, recent, event);
      if (revision.lookedUp) streamLookups += 1;
      if (revision.problem !== null) return broken(event.globalPosition, 'revision-gap', revision.problem);
      position = event.globalPosition;
      headHash = event.hash;
      tree?.add(headHash);
      options.onEvent?.(event);
      if (checkpoint !== undefined && position === checkpoint.position) {
        const mismatch = checkpointMismatch(checkpoint, headHash, tree);
        if (mismatch !== null) return broken(position, 'checkpoint-mismatch', mismatch);
      }
    }
    if (page.unreadable !== undefined) return broken(position + 1, 'unreadable', page.unreadable);
  }

  if (checkpoint !== undefined && position < checkpoint.position) {
    return broken(
      position + 1,
      'truncated',
      `The checkpoint signed position ${checkpoint.position}, but the store's events end at ${position}`,
    );
  }
  if (position < until && until !== Number.POSITIVE_INFINITY) {
    return broken(position + 1, 'truncated', `The events end at position ${position}, before position ${until}`);
  }
  if (position < Math.min(until, headAtStart)) {
    return broken(
      position + 1,
      'truncated',
      `The events end at position ${position}, but the store's head is at ${headAtStart}`,
    );
  }
  return {
    ok: true,
    position,
    headHash,
    events: position,
    streamLookups,
    ...(tree !== null && options.treeRoot === true ? { treeRoot: tree.root() } : {}),
    ...(checkpoint !== undefined
      ? { checkpoint: { position: checkpoint.position, headHash: checkpoint.headHash } }
      : {}),
  };
}

interface EventFailure {
  readonly reason: ChainFailureReason;
  readonly detail: string;
}

/**
 * Position, then link, then hash: a deleted event shows as the gap it leaves, an inserted or moved
 * one as the link it breaks (even when its own hash was forged consistently), a changed one as its hash.
 */
export function checkEvent(event: StoredEvent, expectedPosition: number, previousHash: string): EventFailure | null {
  if (event.globalPosition > expectedPosition) {
    return {
      reason: 'position-gap',
      detail: `No event at position ${expectedPosition}; the next stored event is at ${event.globalPosition}`,
    };
  }
  if (event.globalPosition < expectedPosition) {
    return {
      reason: 'position-order',
      detail: `Expected position ${expectedPosition}, the store returned ${event.globalPosition} (event ${event.eventId})`,
    };
  }
  if (event.prevHash !== previousHash) {
    return {
      reason: 'broken-link',
      detail: `Event ${event.eventId} has prevHash ${event.prevHash}, but the event before it has hash ${previousHash}`,
    };
  }
  const recomputed = hashEvent(event);
  if (recomputed !== event.hash) {
    return {
      reason: 'hash-mismatch',
      detail: `Event ${event.eventId} is stored with hash ${event.hash}, but its content hashes to ${recomputed}`,
    };
  }
  return null;
}

function checkpointMismatch(checkpoint: CheckpointClaim, headHash: string, tree: MerkleBuilder | null): string | null {
  if (headHash !== checkpoint.headHash) {
    return (
      `The checkpoint signed hash ${checkpoint.headHash} at position ${checkpoint.position}; the store now has ` +
      `${headHash} there: the history up to it was rewritten`
    );
  }
  if (checkpoint.treeRoot !== undefined && tree !== null && tree.root() !== checkpoint.treeRoot) {
    return `The checkpoint signed tree root ${checkpoint.treeRoot}; the store's events give ${tree.root()}`;
  }
  return null;
}

interface RevisionCheck {
  readonly problem: string | null;
  readonly lookedUp: boolean;
}

/**
 * Each event continues its stream: revision 0 for a new stream, else last revision + 1. A stream
 * outside the window is checked with the store: revision r - 1 must exist at an earlier position.
 * A new stream (revision 0) outside the window is taken as new without a look-up, so a duplicate
 * revision whose twin left the window is caught only by the store's UNIQUE (stream_id,
 * stream_revision); it cannot be added later without breaking the chain.
 */
async function checkRevision(store: EventStore, recent: RecentStreams, event: StoredEvent): Promise<RevisionCheck> {
  const { streamId, streamRevision: revision, globalPosition } = event;
  const last = recent.lastRevision(streamId);
  let problem: string | null = null;
  let lookedUp = false;
  if (last !== undefined) {
    if (revision !== last + 1) {
      problem = `Stream ${streamId} was at revision ${last}; event ${event.eventId} has revision ${revision}`;
    }
  } else if (revision !== 0) {
    lookedUp = true;
    const [previous] = await store.readStream(streamId, revision - 1);
    if (
      previous === undefined ||
      previous.streamRevision !== revision - 1 ||
      previous.globalPosition >= globalPosition
    ) {
      problem = `Event ${event.eventId} has revision ${revision} of stream ${streamId}, but no revision ${revision - 1} precedes it`;
    }
  }
  if (problem === null) recent.record(streamId, revision);
  return { problem, lookedUp };
}

/** Errors an adapter raises for a row it cannot turn into an event (JSON.parse, eventFromRow). */
const UNREADABLE_ROW_ERRORS = new Set(['SyntaxError', 'TypeError', 'RangeError']);

function isUnreadableRow(error: unknown): error is { name: string; message: string } {
  // By name, not instanceof: under jest's VM modules, errors may come from another realm.
  if (error instanceof EventStoreError || typeof error !== 'object' || error === null) return false;
  const { name, message } = error as { name?: unknown; message?: unknown };
  return typeof name === 'string' && UNREADABLE_ROW_ERRORS.has(name) && typeof message === 'string';
}

interface Page {
  readonly events: StoredEvent[];
  /** Why the row after the last event of `events` cannot be read. */
  readonly unreadable?: string;
}

/**
 * One page of events. A page that fails to read is read again one event at a time, so the events
 * before the unreadable row are still verified and the report names the position right after them.
 */
async function readPage(store: EventStore, after: number, limit: number): Promise<Page> {
  try {
    return { events: await store.readAll(after, limit) };
  } catch (error) {
    if (!isUnreadableRow(error)) throw error;
  }
  const events: StoredEvent[] = [];
  let readable = after;
  while (events.length < limit) {
    try {
      const [event] = await store.readAll(readable, 1);
      if (event === undefined) break;
      events.push(event);
      readable = event.globalPosition;
    } catch (error) {
      if (!isUnreadableRow(error)) throw error;
      return { events, unreadable: `The event stored after position ${readable} cannot be read: ${error.message}` };
    }
  }
  return { events };
}
