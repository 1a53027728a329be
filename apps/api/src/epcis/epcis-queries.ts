import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { isDeviceEventType } from '#kierto/domain';
import type { EventStore, StoredEvent } from '#kierto/event-store';
import { epcisObjectEvent, matchesEpcisQuery, type EpcisObjectEvent, type EpcisQuery } from '#kierto/interop';
import { EVENT_STORE } from '../event-store.provider.js';

export interface EpcisPage {
  readonly events: readonly EpcisObjectEvent[];
  /**
   * Where the next page starts (a global position: the page's last event, or where a long scan
   * stopped), null on the last page.
   */
  readonly nextAfter: number | null;
}

/** One page of lifecycle events as EPCIS ObjectEvents at full detail (the caller reads whole histories). */
export class GetEpcisEvents extends Query<EpcisPage> {
  constructor(readonly query: EpcisQuery) {
    super();
  }
}

/** How many events one read of the global log takes while looking for matches. */
const SCAN_BATCH = 500;

/**
 * Most events one page request reads from the global log. A selective filter over a long log would
 * otherwise read all of it in one request; past this, the page ends early (fewer events, possibly
 * none) with a next link where the scan stopped, as EPCIS paging allows.
 */
export const SCAN_LIMIT = 10_000;

@QueryHandler(GetEpcisEvents)
export class GetEpcisEventsHandler implements IQueryHandler<GetEpcisEvents> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ query }: GetEpcisEvents): Promise<EpcisPage> {
    return epcisPage(this.store, query);
  }
}

/** One page of the query's events: the devices' streams when it names devices, else the global log. */
export async function epcisPage(store: EventStore, query: EpcisQuery, scanLimit = SCAN_LIMIT): Promise<EpcisPage> {
  // One more than a page tells whether a next page exists, so the last page has no next link.
  const wanted = query.perPage + 1;
  const matches: { readonly event: EpcisObjectEvent; readonly position: number }[] = [];
  const take = (stored: StoredEvent): boolean => {
    if (!isDeviceEventType(stored.type)) return true;
    const event = epcisObjectEvent(stored, 'full');
    if (matchesEpcisQuery(event, query)) matches.push({ event, position: stored.globalPosition });
    return matches.length < wanted;
  };
  if (query.deviceIds !== null) {
    // The devices asked for: their streams, merged in global order.
    const streams = await Promise.all(query.deviceIds.map((deviceId) => store.readStream(deviceId)));
    const events = streams
      .flat()
      .filter((event) => event.globalPosition > query.after)
      .sort((a, b) => a.globalPosition - b.globalPosition);
    for (const event of events) if (!take(event)) break;
    return pageOf(matches, query.perPage, null);
  }
  let after = query.after;
  let scanned = 0;
  for (;;) {
    const limit = Math.min(SCAN_BATCH, scanLimit - scanned);
    const batch = await store.readAll(after, limit);
    for (const event of batch) {
      after = event.globalPosition;
      scanned += 1;
      if (!take(event)) return pageOf(matches, query.perPage, null);
    }
    // A short batch is the end of the log.
    if (batch.length < limit) return pageOf(matches, query.perPage, null);
    if (scanned >= scanLimit) return pageOf(matches, query.perPage, after);
  }
}

/**
 * The page and where the next one starts: after its last event when a match beyond the page was
 * seen, else where the scan stopped (`stoppedAt`) when it stopped early, else nowhere.
 */
function pageOf(
  matches: readonly { readonly event: EpcisObjectEvent; readonly position: number }[],
  perPage: number,
  stoppedAt: number | null,
): EpcisPage {
  const page = matches.slice(0, perPage);
  const nextAfter = matches.length > perPage ? (page.at(-1)?.position ?? null) : stoppedAt;
  return { events: page.map((match) => match.event), nextAfter };
}
