/**
 * The event store port (docs/architecture.md). Every adapter (SQLite, PostgreSQL, EventStoreDB) implements it
 * and passes the same contract suite (./testing/contract.ts).
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Who recorded an event: taken from authentication, never from a request body. */
export interface Actor {
  readonly organisationId: string;
  readonly role: string;
  readonly keyId: string;
}

/** What a caller hands to append; the store adds positions, recordedAt and the hash chain. */
export interface NewEvent {
  /** Unique in the whole store; appending an id that is already stored is a retry (idempotency). */
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  /** When it happened, given by the caller (ISO 8601). */
  readonly occurredAt: string;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly data: JsonObject;
  /** Technical facts about the request (e.g. the idempotency fingerprint); hashed like the rest. */
  readonly metadata: JsonObject;
}

export interface StoredEvent extends NewEvent {
  readonly streamId: string;
  /** 0 for a stream's first event, dense within the stream. */
  readonly streamRevision: number;
  /** 1 for the store's first event, dense and commit-ordered across the store. */
  readonly globalPosition: number;
  /** Server time of the append (ISO 8601, UTC). */
  readonly recordedAt: string;
  /** SHA-256 (hex) of the canonical event with prevHash; see docs/hash-chain.md. */
  readonly hash: string;
  /** The hash of the event at globalPosition - 1, or GENESIS_HASH for the first. */
  readonly prevHash: string;
}

/**
 * The revision the caller last saw: `'no-stream'` for a stream that must not exist yet, a number for
 * the revision of the stream's last event, `'any'` to skip the check.
 */
export type ExpectedRevision = number | 'no-stream' | 'any';

export interface AppendRequest {
  readonly streamId: string;
  readonly events: readonly NewEvent[];
  readonly expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  readonly streamId: string;
  /** The stored events, with the positions they were given the first time. */
  readonly events: readonly StoredEvent[];
  /** Revision of the stream's last event after the append. */
  readonly nextExpectedRevision: number;
  /** True when every event id was already stored: nothing new was appended. */
  readonly replayed: boolean;
}

export interface StoreLimits {
  /** Largest serialised event (data + metadata), bytes. */
  readonly maxEventBytes: number;
  /** Most events in one append call (all streams together). */
  readonly maxBatchEvents: number;
  /** Largest append call, bytes, all events together. */
  readonly maxBatchBytes: number;
}

export const DEFAULT_LIMITS: StoreLimits = {
  maxEventBytes: 64 * 1024,
  maxBatchEvents: 10_000,
  maxBatchBytes: 32 * 1024 * 1024,
};

export interface EventStore {
  /** Name of the adapter, for logs and health. */
  readonly kind: 'sqlite' | 'postgres' | 'eventstoredb';

  /** Creates or migrates the storage; idempotent. */
  init(): Promise<void>;

  /** Appends to one stream, all or nothing. */
  append(streamId: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;

  /**
   * Appends to many streams in one transaction, all or nothing (bulk import). Each request is
   * checked as `append` would check it; the first failure aborts the whole batch.
   */
  appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]>;

  /** The stream's events from a revision on, in order; [] for a stream that does not exist. */
  readStream(streamId: string, fromRevision?: number): Promise<StoredEvent[]>;

  /**
   * Many streams at once (bulk import reads the devices of a batch in one round trip): every
   * requested stream id maps to its events in order, [] for a stream that does not exist. Optional:
   * callers fall back to readStream per stream when an adapter does not offer it.
   */
  readStreams?(streamIds: readonly string[]): Promise<Map<string, StoredEvent[]>>;

  /** Events with globalPosition > after, in global order, at most `limit`. */
  readAll(after: number, limit: number): Promise<StoredEvent[]>;

  /** The highest global position stored, 0 when empty. */
  headPosition(): Promise<number>;

  /** The stored event with this id, or null. */
  findEvent(eventId: string): Promise<StoredEvent | null>;

  /**
   * Resolves true as soon as an event with globalPosition > after is stored, or false after
   * timeoutMs. Appends from this process wake waiters at once; others are seen by polling.
   */
  waitForEvents(after: number, timeoutMs: number): Promise<boolean>;

  close(): Promise<void>;
}
