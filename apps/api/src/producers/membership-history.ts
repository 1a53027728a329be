import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { producerStreamId } from '#kierto/domain';
import { foldStream, producerStreams } from '#kierto/application';
import type { EventStore } from '#kierto/event-store';
import { EVENT_STORE } from '../event-store.provider.js';

export interface MembershipHistory {
  readonly producerId: string;
  /** The organisation the producer is a member of now, or null. */
  readonly organisationId: string | null;
  readonly revision: number;
  readonly changes: readonly {
    readonly type: string;
    readonly organisationId: string;
    /** When the change takes effect. */
    readonly occurredAt: string;
    readonly recordedAt: string;
    readonly globalPosition: number;
  }[];
}

/** A producer's membership history, folded from its stream, or null when nothing was recorded. */
export class GetMembershipHistory extends Query<MembershipHistory | null> {
  constructor(readonly producerId: string) {
    super();
  }
}

@QueryHandler(GetMembershipHistory)
export class GetMembershipHistoryHandler implements IQueryHandler<GetMembershipHistory> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ producerId }: GetMembershipHistory): Promise<MembershipHistory | null> {
    const history = await this.store.readStream(producerStreamId(producerId));
    const { state, revision } = foldStream(producerStreams, history);
    if (revision === null) return null;
    return {
      producerId,
      organisationId: state.organisationId,
      revision,
      changes: history.map((stored) => {
        const event = producerStreams.toEvent(stored);
        return {
          type: event.type,
          organisationId: event.data.organisationId,
          occurredAt: event.occurredAt,
          recordedAt: stored.recordedAt,
          globalPosition: stored.globalPosition,
        };
      }),
    };
  }
}
