import { BatchTooLargeError, EventTooLargeError } from './errors.js';
import type { AppendRequest, StoreLimits } from './port.js';

/** Refuses an append before any I/O when an event or the whole batch is over the limits. */
export function checkLimits(requests: readonly AppendRequest[], limits: StoreLimits): void {
  let events = 0;
  let bytes = 0;
  for (const request of requests) {
    for (const event of request.events) {
      const size = Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata));
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
