import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { isDeviceEventType } from '#kierto/domain';
import type { EventStore, StoredEvent } from '#kierto/event-store';
import { epcisObjectEvent, matchesEpcisQuery, type EpcisObjectEvent, type EpcisQuery } from '#kierto/interop';
import { EVENT_STORE } from '../event-store.provider.js';

export interface EpcisPage {
  readonly events: readonly EpcisObjectEvent[];
  /** Global position of the page's last event when more may follow, else null. */
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

@QueryHandler(GetEpcisEvents)
export class GetEpcisEventsHandler implements IQueryHandler<GetEpcisEvents> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ query }: GetEpcisEvents): Promise<EpcisPage> {
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
      const streams = await Promise.all(query.deviceIds.map((deviceId) => this.store.readStream(deviceId)));
      const events = streams
        .flat()
        .filter((event) => event.globalPosition > query.after)
        .sort((a, b) => a.globalPosition - b.globalPosition);
      for (const event of events) if (!take(event)) break;
    } else {
      let after = query.after;
      scan: for (;;) {
        const batch = await this.store.readAll(after, SCAN_BATCH);
        for (const event of batch) {
          after = event.globalPosition;
          if (!take(event)) break scan;
        }
        if (batch.length < SCAN_BATCH) break;
      }
    }
    const page = matches.slice(0, query.perPage);
    return {
      events: page.map((match) => match.event),
      nextAfter: matches.length > query.perPage ? (page.at(-1)?.position ?? null) : null,
    };
  }
}
