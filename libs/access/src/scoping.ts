import type { Organisation } from './access-store.js';

/**
 * Whose figures an organisation may read (issue 5): auditors and admins everyone's; a producer
 * organisation those attributed to it (its members' at the time of each event); a producer its own.
 * The narrowest role wins when an organisation holds several, except that auditor and admin see all.
 */
export type ReadScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'organisation'; readonly organisationId: string }
  | { readonly kind: 'producer'; readonly producerId: string };

export function statisticsScope(organisation: Organisation): ReadScope {
  const { roles, id } = organisation;
  if (roles.includes('auditor') || roles.includes('admin')) return { kind: 'all' };
  if (roles.includes('producer-organisation')) return { kind: 'organisation', organisationId: id };
  return { kind: 'producer', producerId: id };
}
