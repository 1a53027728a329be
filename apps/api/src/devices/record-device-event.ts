import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DeviceCommand } from '#kierto/domain';
import { deviceStreams, handleCommand, type CommandContext, type CommandOutcome } from '#kierto/application';
import type { EventStore } from '#kierto/event-store';
import { EVENT_STORE } from '../event-store.provider.js';

/** One Nest command for every device command: the domain decides, this only dispatches. */
export class RecordDeviceEvent extends Command<CommandOutcome> {
  constructor(
    readonly command: DeviceCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(RecordDeviceEvent)
export class RecordDeviceEventHandler implements ICommandHandler<RecordDeviceEvent> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ command, context }: RecordDeviceEvent): Promise<CommandOutcome> {
    return handleCommand(this.store, deviceStreams, command.deviceId, command, context);
  }
}
