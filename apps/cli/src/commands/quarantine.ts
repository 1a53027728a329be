/**
 * `kierto quarantine`: the events a read model passed without applying them (poison events,
 * docs/adr/0011-poison-event-quarantine.md), and `--retry <position>` to re-project one after a fix.
 * Uses the API's settings, like `kierto project`; safe while the API projects (the release of a
 * quarantined event and its application are one transaction).
 */
import { PROJECTION_NAMES, type Projector, type ProjectionName, type ReadModelStore } from '#kierto/projections';
import { UsageError, parseOptions, type CliCommand, type CliIo } from '../cli-command.js';
import { withProjector } from './projections.js';

/** Most events listed; the counts per projection say how many there are in all. */
const LISTED = 1000;

function positionOf(value: string): number {
  const position = Number(value);
  if (!Number.isSafeInteger(position) || position < 1)
    throw new UsageError('--retry takes a global position (a positive integer)');
  return position;
}

export const quarantineCommand: CliCommand = {
  name: 'quarantine',
  summary: 'list the events a read model could not apply; --retry <position> re-projects one after a fix',
  usage: `[--retry <position> [--projection ${PROJECTION_NAMES.join('|')}]]`,
  async run(args, io) {
    const { options, rest } = parseOptions(args, ['retry', 'projection']);
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0] ?? ''}`);
    const retry = options.get('retry');
    const only = options.get('projection');
    const names: readonly ProjectionName[] =
      only === undefined ? PROJECTION_NAMES : PROJECTION_NAMES.filter((name) => name === only);
    if (names.length === 0) throw new UsageError(`--projection is one of ${PROJECTION_NAMES.join(', ')}`);
    if (only !== undefined && retry === undefined) throw new UsageError('--projection goes with --retry');
    const position = retry === undefined ? null : positionOf(retry);
    return withProjector(io, undefined, async (projector, _store, readModels) => {
      if (position === null) return await list(io, projector, readModels);
      const held = (await readModels.quarantined(Number.MAX_SAFE_INTEGER)).events.filter(
        (event) => event.globalPosition === position && names.includes(event.name),
      );
      if (held.length === 0) {
        io.err(`no read model${only === undefined ? '' : ` (${only})`} holds position ${position} in quarantine`);
        return 1;
      }
      let failed = false;
      for (const event of held) {
        const result = await projector.retryQuarantined(event.name, position);
        if (result.outcome === 'applied') io.out(`${event.name}: re-projected position ${position}`);
        else {
          failed = true;
          io.err(
            `${event.name}: position ${position} ${result.outcome === 'failed' ? 'still fails' : 'not re-projected'}: ${result.reason}`,
          );
        }
      }
      return failed ? 1 : 0;
    });
  },
};

/** One line per projection with its count, then one tab-separated line per quarantined event. */
async function list(io: CliIo, projector: Projector, readModels: ReadModelStore): Promise<number> {
  const { events, counts } = await readModels.quarantined(LISTED);
  for (const projection of projector.projections)
    io.out(`${projection.name}: ${counts.get(projection.name) ?? 0} quarantined`);
  // Rows of a projection this code no longer runs (renamed or removed) are not listed.
  const running = new Set(projector.projections.map((projection) => projection.name));
  for (const event of events.filter((each) => running.has(each.name))) {
    io.out(
      `${event.globalPosition}\t${event.name}\t${event.eventType}\t${event.streamId}\t${event.quarantinedAt}\t${event.reason}`,
    );
  }
  return 0;
}
