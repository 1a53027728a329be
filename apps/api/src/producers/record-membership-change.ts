import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { producerStreamId, type MembershipCommand } from '#kierto/domain';
import { handleCommand, producerStreams, type CommandContext, type CommandOutcome } from '#kierto/application';
import type { EventStore } from '#kierto/event-store';
import { EVENT_STORE } from '../event-store.provider.js';

/** One Nest command for both membership changes: the membership decider decides. */
export class RecordMembershipChange extends Command<CommandOutcome> {
  constructor(
    readonly command: MembershipCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RecordMembershipChange)
export class RecordMembershipChangeHandler implements ICommandHandler<RecordMembershipChange> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ command, context }: RecordMembershipChange): Promise<CommandOutcome> {
    return handleCommand(this.store, producerStreams, producerStreamId(command.producerId), command, context);
  }
}
