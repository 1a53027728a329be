/**
 * The access rules that depend on the data of a request (docs/access.md, "Rules that depend on the
 * data"), beside the permission table of roles.ts. Each is a pure function of the organisation, what
 * it asks for and, where the rule needs to know about the world, a lookup passed in (a producer's
 * organisation, whether it ever was a member). HTTP routes and bulk import call the same function,
 * so the two entries cannot drift apart.
 */
import type { DeviceCommand, DeviceCommandKind } from '#kierto/domain';
import type { Organisation } from './access-store.js';
import { actingRole } from './authentication.js';
import { PERMISSIONS, type Permission, type Role } from './roles.js';
import type { ReadScope } from './scoping.js';

/** A refusal: `field` names what asks for more than the organisation may have (null: the request as such). */
export interface Refusal {
  readonly allowed: false;
  readonly field: string | null;
  readonly message: string;
}

/** Whether an organisation may record a command, and in which role (recorded as the actor's role). */
export type RecordingDecision = { readonly allowed: true; readonly role: Role } | Refusal;

/** The permission each device command needs, whether it comes as an HTTP request or as an import line. */
export const DEVICE_COMMAND_PERMISSIONS = {
  PlaceDeviceOnMarket: 'device:place-on-market',
  CollectDevice: 'device:collect',
  RecordDataWipe: 'device:wipe',
  RecordRepair: 'device:repair',
  RecordResale: 'device:resell',
  RecordRecycling: 'device:recycle',
  RecordHandover: 'device:record-handover',
} as const satisfies Record<DeviceCommandKind, Permission>;

/** What the rules read of a command: its kind and data (not the device, not the times). */
export type CommandToAuthorise = KindAndData<DeviceCommand>;
/** Distributes over the union, so each kind keeps its own data type. */
type KindAndData<C> = C extends DeviceCommand ? Pick<C, 'kind' | 'data'> : never;

/** A producer's current producer organisation (null when it is in none). */
export type CurrentOrganisationOf = (producerId: string) => Promise<string | null>;

/**
 * May the organisation record the command as its own request? It needs the command's permission
 * (which names the role recorded), and a producer places devices on the market only as itself.
 */
export function mayRecord(organisation: Organisation, command: CommandToAuthorise): RecordingDecision {
  const permission = DEVICE_COMMAND_PERMISSIONS[command.kind];
  const role = actingRole(organisation, permission);
  if (role === null)
    return { allowed: false, field: null, message: `Your organisation's roles do not allow ${permission}` };
  if (command.kind === 'PlaceDeviceOnMarket' && command.data.producerId !== organisation.id) {
    return {
      allowed: false,
      field: 'producerId',
      message: `A producer places devices on the market only as itself: producerId must be ${organisation.id}`,
    };
  }
  return { allowed: true, role };
}

/**
 * May the organisation import the command (one line of a bulk import, docs/import.md)? Exactly when
 * it may record it (mayRecord), with two additions: an admin imports any line (loading an existing
 * register), recorded as admin; a producer organisation imports the placements of producers that
 * are its members when the import runs (a quarter's data for all its members at once).
 */
export async function mayImport(
  organisation: Organisation,
  command: CommandToAuthorise,
  currentOrganisationOf: CurrentOrganisationOf,
): Promise<RecordingDecision> {
  if (organisation.roles.includes('admin')) return { allowed: true, role: 'admin' };
  const own = mayRecord(organisation, command);
  if (own.allowed || command.kind !== 'PlaceDeviceOnMarket') return own;
  const producerId = command.data.producerId;
  if (
    organisation.roles.includes('producer-organisation') &&
    (await currentOrganisationOf(producerId)) === organisation.id
  ) {
    return { allowed: true, role: 'producer-organisation' };
  }
  return {
    allowed: false,
    field: 'producerId',
    message: `${organisation.id} may import placements of itself or of its member producers only, not of ${producerId}`,
  };
}

/** The producer and organisation filters of a statistics query (absent: not asked for). */
export interface StatisticsFilterRequest {
  readonly producerId?: string | undefined;
  readonly organisationId?: string | undefined;
}

export type ScopedStatisticsFilters =
  | { readonly allowed: true; readonly producerId: string | undefined; readonly organisationId: string | undefined }
  | (Refusal & { readonly field: string });

/** Whether the producer is or ever was a member of the producer organisation. */
export type EverMemberOf = (producerId: string, organisationId: string) => Promise<boolean>;

/**
 * The filters of a statistics query narrowed to what the read scope allows (docs/access.md,
 * "Statistics are scoped"): a producer gets its own figures, a producer organisation those
 * attributed to it. Asking for someone else's is refused naming the parameter, never answered empty
 * or widened: that includes a producer organisation naming a producer that never was its member
 * (a former member's figures from its years in the organisation stay the organisation's).
 */
export async function scopeStatisticsFilters(
  scope: ReadScope,
  asked: StatisticsFilterRequest,
  everMemberOf: EverMemberOf,
): Promise<ScopedStatisticsFilters> {
  const { producerId, organisationId } = asked;
  switch (scope.kind) {
    case 'all':
      return { allowed: true, producerId, organisationId };
    case 'producer':
      if (producerId !== undefined && producerId !== scope.producerId) {
        return {
          allowed: false,
          field: 'producerId',
          message: `A producer reads its own figures only: producerId ${scope.producerId}`,
        };
      }
      return { allowed: true, producerId: scope.producerId, organisationId };
    case 'organisation':
      if (organisationId !== undefined && organisationId !== scope.organisationId) {
        return {
          allowed: false,
          field: 'organisationId',
          message: `A producer organisation reads its members' figures only: organisationId ${scope.organisationId}`,
        };
      }
      if (producerId !== undefined && !(await everMemberOf(producerId, scope.organisationId))) {
        return {
          allowed: false,
          field: 'producerId',
          message: `A producer organisation reads its members' figures only: ${producerId} has never been a member of ${scope.organisationId}`,
        };
      }
      return { allowed: true, producerId, organisationId: scope.organisationId };
  }
}

/**
 * May the organisation print labels for a device placed on the market by `producerId` (null: its
 * history began at a collection)? Refurbishers and admins label any device (a refurbisher relabels
 * what it resells, whoever made it); a producer only devices it placed on the market itself.
 */
export function mayPrintLabel(
  organisation: Organisation,
  producerId: string | null,
): { readonly allowed: true } | Refusal {
  const roles = organisation.roles.filter((role) => (PERMISSIONS['labels:print'] as readonly Role[]).includes(role));
  if (roles.length === 0) {
    return { allowed: false, field: null, message: "Your organisation's roles do not allow labels:print" };
  }
  if (roles.some((role) => role !== 'producer') || producerId === organisation.id) return { allowed: true };
  return {
    allowed: false,
    field: null,
    message: `A producer prints labels only for devices it placed on the market (${organisation.id})`,
  };
}
