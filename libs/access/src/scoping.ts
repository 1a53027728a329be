import type { Organisation } from './access-store.js';

/**
 * Whose data an organisation may read (docs/access.md): auditors and admins everyone's; a producer
 * organisation its own (statistics: those attributed to it, its members' at the time of each event);
 * a producer its own. Auditor and admin see all whatever else they hold; otherwise producer
 * organisation wins over producer.
 */
export type ReadScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'organisation'; readonly organisationId: string }
  | { readonly kind: 'producer'; readonly producerId: string };

export function readScope(organisation: Organisation): ReadScope {
  const { roles, id } = organisation;
  if (roles.includes('auditor') || roles.includes('admin')) return { kind: 'all' };
  if (roles.includes('producer-organisation')) return { kind: 'organisation', organisationId: id };
  return { kind: 'producer', producerId: id };
}
