import { Inject, Logger } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DeviceCommand } from '#kierto/domain';
import { deviceStreams, handleCommand, type CommandContext, type CommandOutcome } from '#kierto/application';
import type { EventStore } from '#kierto/event-store';
import { EVENT_STORE } from '../event-store.provider.js';
import { inSpan } from '../tracing/tracing.js';

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

  /** In a child span of the request's (docs/operations.md, "Traces"); a no-op without a tracer provider. */
  execute({ command, context }: RecordDeviceEvent): Promise<CommandOutcome> {
    const attributes = { 'kierto.device_id': command.deviceId, 'kierto.command.kind': command.kind };
    return inSpan(`command ${command.kind}`, attributes, async (span) => {
      let retries = 0;
      try {
        const outcome = await handleCommand(this.store, deviceStreams, command.deviceId, command, {
          ...context,
          onRetry: () => {
            retries += 1;
          },
        });
        // A replay answers with the first request's events; nothing was appended this time.
        span.setAttribute('kierto.command.events_appended', outcome.replayed ? 0 : outcome.events.length);
        span.setAttribute('kierto.command.replayed', outcome.replayed);
        // Debug level; the JSON logger adds the request's correlation id (docs/operations.md, "Logs").
        this.logger.debug(`${command.kind} on ${command.deviceId}: ${outcome.events.length} event(s)`);
        return outcome;
      } finally {
        span.setAttribute('kierto.command.retries', retries);
      }
    });
  }
}
