import { actingRole, type Organisation, type Permission } from '../../../../libs/access/src/index.js';
import { foldStream, producerStreams } from '../../../../libs/application/src/index.js';
import { producerStreamId, type DeviceEventType } from '../../../../libs/domain/src/index.js';
import type { EventStore } from '../../../../libs/event-store/src/port.js';
import type { ImportLineRequest, LineAuthorisation } from '../../../../libs/import/src/index.js';

/** The permission each imported event type needs: the one its HTTP command needs. */
const PERMISSION_OF: Readonly<Record<DeviceEventType, Permission>> = {
  DevicePlacedOnMarket: 'device:place-on-market',
  DeviceCollected: 'device:collect',
  DeviceDataWiped: 'device:wipe',
  DeviceRepaired: 'device:repair',
  DeviceResold: 'device:resell',
  DeviceRecycled: 'device:recycle',
};

/**
 * Each line of an HTTP import is allowed exactly when the command it stands for would be
 * (docs/access.md), with two additions: a producer organisation imports the placements of producers
 * that are its members when the import runs (a quarter's data for all its members at once), and an
 * admin imports any line (loading an existing register), recorded with the role admin.
 */
export function importAuthorisation(organisation: Organisation, store: EventStore): (line: ImportLineRequest) => Promise<LineAuthorisation> {
  const memberships = new Map<string, Promise<string | null>>();
  const organisationOf = (producerId: string): Promise<string | null> => {
    let found = memberships.get(producerId);
    if (found === undefined) {
      found = store.readStream(producerStreamId(producerId)).then((events) => foldStream(producerStreams, events).state.organisationId);
      memberships.set(producerId, found);
    }
    return found;
  };

  return async (line) => {
    if (organisation.roles.includes('admin')) return { allowed: true, role: 'admin' };
    const permission = PERMISSION_OF[line.type];
    if (line.type === 'DevicePlacedOnMarket') {
      // The line passed the event's schema, so producerId is a string.
      const producerId = line.data['producerId'] as string;
      if (organisation.roles.includes('producer') && producerId === organisation.id) return { allowed: true, role: 'producer' };
      if (organisation.roles.includes('producer-organisation') && (await organisationOf(producerId)) === organisation.id) {
        return { allowed: true, role: 'producer-organisation' };
      }
      return {
        allowed: false,
        field: 'data.producerId',
        message: `${organisation.id} may import placements of itself or of its member producers only, not of ${producerId}`,
      };
    }
    const role = actingRole(organisation, permission);
    if (role === null) {
      return { allowed: false, field: 'type', message: `Your organisation's roles do not allow ${permission} (${line.type})` };
    }
    return { allowed: true, role };
  };
}
