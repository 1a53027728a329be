import { Inject } from '@nestjs/common';
import { Command, CommandHandler, Query, QueryHandler, type ICommandHandler, type IQueryHandler } from '@nestjs/cqrs';
import { lotStreamId } from '#kierto/domain';
import {
  foldStream,
  handleLotCommand,
  lotStreams,
  lotViewOf,
  readHistories,
  type CommandContext,
  type LotCommandOutcome,
  type LotRequest,
  type LotView,
} from '#kierto/application';
import type { EventStore } from '#kierto/event-store';
import { EVENT_STORE } from '../event-store.provider.js';

/** One Nest command for every lot command: the lot decider decides (libs/application/src/lots.ts). */
export class RecordLotCommand extends Command<LotCommandOutcome> {
  constructor(
    readonly request: LotRequest,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RecordLotCommand)
export class RecordLotCommandHandler implements ICommandHandler<RecordLotCommand> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ request, context }: RecordLotCommand): Promise<LotCommandOutcome> {
    return handleLotCommand(this.store, request, context);
  }
}

/** The lot as its stream and its devices' streams say now (libs/application/src/lot-view.ts); null when none. */
export class GetLot extends Query<LotView | null> {
  constructor(readonly lotId: string) {
    super();
  }
}

@QueryHandler(GetLot)
export class GetLotHandler implements IQueryHandler<GetLot> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ lotId }: GetLot): Promise<LotView | null> {
    const history = await this.store.readStream(lotStreamId(lotId));
    const { state } = foldStream(lotStreams, history);
    const deviceIds = state.status === 'open' ? state.deviceIds : [];
    return lotViewOf(history, await readHistories(this.store, deviceIds));
  }
}
