import { Inject, Logger } from '@nestjs/common';
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
  private readonly logger = new Logger('RecordDeviceEvent');

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute({ command, context }: RecordDeviceEvent): Promise<CommandOutcome> {
    const outcome = await handleCommand(this.store, deviceStreams, command.deviceId, command, context);
    // Debug level; the JSON logger adds the request's correlation id (docs/operations.md, "Logs").
    this.logger.debug(`${command.kind} on ${command.deviceId}: ${outcome.events.length} event(s)`);
    return outcome;
  }
}
