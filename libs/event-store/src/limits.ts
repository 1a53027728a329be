import { BatchTooLargeError, EventTooLargeError } from './errors.js';
import type { AppendRequest, NewEvent, StoreLimits } from './port.js';

/** Bytes of an event as the limits count them: data and metadata as JSON, UTF-8. */
export function jsonBytes(event: NewEvent): number {
  return Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata));
}

/**
 * Refuses an append before any I/O when an event or the whole batch is over the limits. `sizeOf`
 * lets a caller that already serialised each event pass its size instead of serialising again.
 */
export function checkLimits(
  requests: readonly AppendRequest[],
  limits: StoreLimits,
  sizeOf: (event: NewEvent, requestIndex: number, eventIndex: number) => number = jsonBytes,
): void {
  let events = 0;
  let bytes = 0;
  for (const [requestIndex, request] of requests.entries()) {
    for (const [eventIndex, event] of request.events.entries()) {
      const size = sizeOf(event, requestIndex, eventIndex);
      if (size > limits.maxEventBytes) throw new EventTooLargeError(event.eventId, size, limits.maxEventBytes);
      events += 1;
      bytes += size;
    }
  }
  if (events > limits.maxBatchEvents) {
    throw new BatchTooLargeError(`An append holds ${events} events; the limit is ${limits.maxBatchEvents}`);
  }
  if (bytes > limits.maxBatchBytes) {
    throw new BatchTooLargeError(`An append holds ${bytes} bytes; the limit is ${limits.maxBatchBytes}`);
  }
}
