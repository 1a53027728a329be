/**
 * Reading the global log for a feed reader: the pull feed, its Server-Sent Events stream and the
 * webhook deliverer share this, so the three cannot disagree on what "the events after a position"
 * are. Positions are dense and commit-ordered (ADR 0002), so a reader that resumes after the last
 * position it was given never skips an event.
 */
import type { EventStore, StoredEvent } from '#kierto/event-store';
import { matchesFilter, type FeedFilter } from './feed-query.js';

/** Most events of the log one read looks at, matching or not: a narrow filter still answers promptly. */
export const FEED_SCAN_BUDGET = 10_000;
const READ_PAGE = 1_000;

export interface FeedPage {
  /** The matching events, in global order. */
  readonly events: readonly StoredEvent[];
  /**
   * The position to read after next time: the last event looked at (matching or not), so that a
   * narrow filter moves on past the events it skipped.
   */
  readonly nextAfter: number;
}

/** Up to `limit` events after `after` that match `filter`, looking at most at FEED_SCAN_BUDGET events. */
export async function readFeedPage(
  store: EventStore,
  after: number,
  limit: number,
  filter: FeedFilter,
): Promise<FeedPage> {
  const events: StoredEvent[] = [];
  let cursor = after;
  let scanned = 0;
  while (events.length < limit && scanned < FEED_SCAN_BUDGET) {
    const asked = Math.min(READ_PAGE, FEED_SCAN_BUDGET - scanned);
    const page = await store.readAll(cursor, asked);
    for (const event of page) {
      cursor = event.globalPosition;
      scanned += 1;
      if (matchesFilter(filter, event)) events.push(event);
      if (events.length === limit) break;
    }
    if (page.length < asked) break;
  }
  return { events, nextAfter: cursor };
}

/**
 * Long-poll: the first page with at least one matching event, waiting up to `waitMs` for one to be
 * appended (the store's head waiters: appends of this process wake at once, others are polled).
 * Answers the empty page when the time is up, the store closes, or `cancelled()` turns true (the
 * client went away).
 */
export async function waitForFeedPage(
  store: EventStore,
  after: number,
  limit: number,
  filter: FeedFilter,
  waitMs: number,
  cancelled: () => boolean = () => false,
): Promise<FeedPage> {
  const deadline = Date.now() + waitMs;
  let page = await readFeedPage(store, after, limit, filter);
  while (page.events.length === 0 && !cancelled()) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    // False: the time is up or the store closed; true: something was appended, maybe not matching.
    if (!(await store.waitForEvents(page.nextAfter, remaining))) break;
    page = await readFeedPage(store, page.nextAfter, limit, filter);
  }
  return page;
}
