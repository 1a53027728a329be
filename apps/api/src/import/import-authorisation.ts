import { mayImport, type CurrentOrganisationOf, type Organisation } from '#kierto/access';
import { foldStream, producerStreams } from '#kierto/application';
import { producerStreamId } from '#kierto/domain';
import type { EventStore } from '#kierto/event-store';
import type { ImportLineRequest, LineAuthorisation } from '#kierto/import';

/**
 * Each line of an HTTP import is allowed exactly when libs/access allows importing the command it
 * stands for (mayImport: the rules of the HTTP routes, plus what only an import may do; docs/access.md).
 * This adapter gives the rule its membership lookup (each producer's stream read once per import) and
 * names the refused field as the import's error report does: `data.<field>`, or `type` when the
 * organisation's roles do not allow that kind of event at all.
 */
export function importAuthorisation(
  organisation: Organisation,
  store: EventStore,
): (line: ImportLineRequest) => Promise<LineAuthorisation> {
  const memberships = new Map<string, Promise<string | null>>();
  const currentOrganisationOf: CurrentOrganisationOf = (producerId) => {
    let found = memberships.get(producerId);
    if (found === undefined) {
      found = store
        .readStream(producerStreamId(producerId))
        .then((events) => foldStream(producerStreams, events).state.organisationId);
      memberships.set(producerId, found);
    }
    return found;
  };

  return async (line) => {
    const decision = await mayImport(organisation, line.command, currentOrganisationOf);
    if (decision.allowed) return decision;
    return decision.field === null
      ? { allowed: false, field: 'type', message: `${decision.message} (${line.type})` }
      : { allowed: false, field: `data.${decision.field}`, message: decision.message };
  };
}
