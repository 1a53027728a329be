/**
 * Who may do what (docs/access.md, ADR 0007). One table: every permission names the roles that
 * hold it. The rules that depend on the data (a producer places on the market only as itself, a
 * producer organisation reads only its members' figures) are in data-rules.ts, called by the HTTP
 * routes and the import alike, and listed in docs/access.md next to this table.
 */
export const ROLES = [
  'producer',
  'producer-organisation',
  'collector',
  'refurbisher',
  'repairer',
  'recycler',
  'auditor',
  'admin',
] as const;

export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'device:place-on-market': ['producer'],
  'device:collect': ['collector'],
  'device:wipe': ['refurbisher'],
  'device:resell': ['refurbisher'],
  'device:repair': ['repairer'],
  'device:recycle': ['recycler'],
  // A handover is accepted through its lot (lot:receive); only an admin imports DeviceHandedOver
  // lines, when it loads a register's existing history (docs/adr/0026-lots-and-handovers.md).
  'device:record-handover': ['admin'],
  // Bulk import (POST /imports): each line is then checked like the command it stands for; an
  // admin may import any line (loading a register's existing history), recorded as admin.
  'device:import': ['producer', 'producer-organisation', 'collector', 'refurbisher', 'repairer', 'recycler', 'admin'],
  'device:read-history': ['auditor', 'admin'],
  'device:read-state': [
    'producer',
    'producer-organisation',
    'collector',
    'refurbisher',
    'repairer',
    'recycler',
    'auditor',
    'admin',
  ],
  'membership:record': ['producer-organisation', 'admin'],
  'membership:read': ['producer', 'producer-organisation', 'auditor', 'admin'],
  'statistics:read': ['producer', 'producer-organisation', 'auditor', 'admin'],
  'audit:read': ['auditor', 'admin'],
  'passport:read-repairer': ['repairer', 'refurbisher', 'auditor', 'admin'],
  'passport:read-recycler': ['recycler', 'auditor', 'admin'],
  'passport:read-authority': ['auditor', 'admin'],
  // ESPR registry entries: a producer, the responsible economic operator, reads those of its own units.
  'registry:read': ['producer', 'auditor', 'admin'],
  'projections:read': ['auditor', 'admin'],
  'organisations:manage': ['admin'],
  // Lots and handovers (docs/adr/0026): whoever moves devices makes up lots and hands them over;
  // the lot's rules (libs/domain/src/lots.ts) say which organisation may act on which lot.
  'lot:manage': ['producer', 'collector', 'refurbisher', 'repairer', 'recycler'],
  'lot:collect-bulk': ['collector'],
  'lot:receive': ['producer', 'collector', 'refurbisher', 'repairer', 'recycler'],
  'lot:read': ['producer', 'collector', 'refurbisher', 'repairer', 'recycler', 'auditor', 'admin'],
  // Label sheets (POST /labels): producers label their own devices (data-rules.ts mayPrintLabels),
  // refurbishers relabel what they resell; the QR code itself is public, like the passport.
  'labels:print': ['producer', 'refurbisher', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function hasPermission(roles: readonly Role[], permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return roles.some((role) => allowed.includes(role));
}

/**
 * The passport views (libs/projections/src/passport/views.ts) beyond the public one, richest first,
 * and the permission each needs. Without a key, or without these permissions, a caller sees the
 * public view.
 */
export const PASSPORT_VIEW_PERMISSIONS = [
  ['authority', 'passport:read-authority'],
  ['repairer', 'passport:read-repairer'],
  ['recycler', 'passport:read-recycler'],
] as const satisfies readonly (readonly [string, Permission])[];

export type RestrictedPassportView = (typeof PASSPORT_VIEW_PERMISSIONS)[number][0];

/** The views the roles may read, richest first, always ending with 'public'. */
export function passportViewsOf(roles: readonly Role[]): (RestrictedPassportView | 'public')[] {
  return [
    ...PASSPORT_VIEW_PERMISSIONS.filter(([, permission]) => hasPermission(roles, permission)).map(([view]) => view),
    'public',
  ];
}

/** Roles that read every organisation's data; others are scoped to their own. */
export function seesEverything(roles: readonly Role[]): boolean {
  return roles.includes('auditor') || roles.includes('admin');
}
