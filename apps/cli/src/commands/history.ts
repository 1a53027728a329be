import { deviceHistory } from '#kierto/audit';
import { UsageError, parseOptions, type CliCommand } from '../cli-command.js';
import { withStore } from '../store-from-env.js';
import { deviceIdOption } from './audit-io.js';

/** `kierto history --device <id>`: the device's events in order, with actors, positions and hashes. */
export const historyCommand: CliCommand = {
  name: 'history',
  summary: "replay a device's history: every event in order with its actor and hashes",
  usage: '--device <deviceId> [--json]',
  async run(args, io) {
    const { options, flags, rest } = parseOptions(args, ['device'], ['json']);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0] ?? ''}`);
    const deviceId = deviceIdOption(options.get('device'));
    const history = await withStore(io.env, (store) => deviceHistory(store, deviceId));
    if (history === null) {
      io.err(`history: no device ${deviceId} is stored`);
      return 1;
    }
    if (flags.has('json')) {
      io.out(JSON.stringify(history));
      return 0;
    }
    for (const event of history.events) {
      const { organisationId, role, keyId } = event.actor;
      io.out(
        `#${event.globalPosition} r${event.streamRevision} ${event.occurredAt} ${event.type} ` +
          `by ${organisationId} (${role}, key ${keyId}) recorded ${event.recordedAt} ` +
          `hash ${event.hash}${event.hashValid ? '' : ' DOES NOT MATCH ITS CONTENT'}`,
      );
    }
    return history.events.every((event) => event.hashValid) ? 0 : 1;
  },
};
