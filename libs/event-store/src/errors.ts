/** Errors every adapter raises the same way, so the API maps them once (see apps/api http errors). */
export class EventStoreError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The stream moved on since the caller read it (or exists when it must not, or vice versa). */
export class ConcurrencyError extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly expected: string,
    readonly actual: number,
  ) {
    super('CONCURRENCY_CONFLICT', `Stream ${streamId} is at revision ${actual}, expected ${expected}`);
  }
}

/** An event id is already stored for a different event or stream: not a retry of the same append. */
export class DuplicateEventIdError extends EventStoreError {
  constructor(readonly eventId: string) {
    super('DUPLICATE_EVENT_ID', `Event id ${eventId} is already stored for another append`);
  }
}

export class EventTooLargeError extends EventStoreError {
  constructor(
    readonly eventId: string,
    readonly bytes: number,
    readonly limit: number,
  ) {
    super('EVENT_TOO_LARGE', `Event ${eventId} is ${bytes} bytes; the limit is ${limit}`);
  }
}

export class BatchTooLargeError extends EventStoreError {
  constructor(detail: string) {
    super('BATCH_TOO_LARGE', detail);
  }
}

/** The store's server cannot be reached (API answers 503). */
export class StoreUnavailableError extends EventStoreError {
  constructor(detail: string) {
    super('STORE_UNAVAILABLE', detail);
  }
}
