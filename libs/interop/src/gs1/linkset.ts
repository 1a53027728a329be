/**
 * What a GS1 Digital Link of a device resolves to, by link type (GS1-Conformant Resolver standard),
 * and those links as an RFC 9264 linkset. Pure: the resolver in apps/api picks one or answers all.
 */
import type { Passport } from '#kierto/projections';

/** Link-type namespaces: GS1 Web Vocabulary and UNTP link types (as the UNTP 0.6.0 instance writes them). */
export const LINK_TYPE_NAMESPACES = {
  gs1: 'https://ref.gs1.org/voc/',
  untp: 'https://test.uncefact.org/vocabulary/linkTypes/',
} as const;

/** Older spellings of the GS1 namespace that resolvers and links still use for the same terms. */
const GS1_ALIASES = ['https://gs1.org/voc/', 'https://www.gs1.org/voc/', 'http://gs1.org/voc/'];

/** The link types Kierto answers; any other is UNKNOWN_LINK_TYPE. */
export const SERVED_LINK_TYPES = [
  'gs1:defaultLink',
  'gs1:pip',
  'gs1:sustainabilityInfo',
  'gs1:certificationInfo',
  'untp:dpp',
  'gs1:repairInfo',
  'gs1:instructions',
] as const;
export type ServedLinkType = (typeof SERVED_LINK_TYPES)[number];

/** One target (RFC 9264 target attributes). */
export interface LinkTarget {
  readonly href: string;
  readonly title: string;
  /** Media type when Kierto knows it (a producer's repair document may be a page or a PDF). */
  readonly type?: string;
}

export type DeviceLinks = Readonly<Partial<Record<ServedLinkType, readonly LinkTarget[]>>>;

/**
 * The links of one passport. `base` is KIERTO_PUBLIC_URL, or '' for links relative to the request.
 * The passport is the product information page; the UNTP credential (GET /passports/{id}/credential)
 * is the certification information; repair documents only when the producer gave them.
 */
export function linksOfPassport(passport: Passport, base: string): DeviceLinks {
  // Device ids are URL-path-safe as they are (identity.ts): the same spelling as the passport's own route.
  const id = passport.deviceId;
  const page: LinkTarget = {
    href: `${base}/passports/${id}`,
    title: 'Digital product passport',
    type: 'application/json',
  };
  const credential: LinkTarget = {
    href: `${base}/passports/${id}/credential`,
    title: 'Digital product passport as a UNTP 0.6.0 verifiable credential',
    type: 'application/vc+jwt',
  };
  const repair = repairTargets(passport);
  return {
    'gs1:defaultLink': [page],
    'gs1:pip': [page],
    ...(hasSustainabilityData(passport)
      ? {
          'gs1:sustainabilityInfo': [{ ...page, title: 'Materials, recycled content and carbon footprint (passport)' }],
        }
      : {}),
    'gs1:certificationInfo': [credential],
    'untp:dpp': [credential],
    ...(repair.length > 0 ? { 'gs1:repairInfo': repair, 'gs1:instructions': repair } : {}),
  };
}

/**
 * A `linkType` as sent (`gs1:pip` or its full IRI, in any of the GS1 namespace's spellings) as the
 * compact name Kierto serves, or null when Kierto serves no such type.
 */
export function servedLinkType(linkType: string): ServedLinkType | null {
  const compact = compactOf(linkType);
  return (SERVED_LINK_TYPES as readonly string[]).includes(compact) ? (compact as ServedLinkType) : null;
}

/** The full IRI of a compact link type, the relation type a linkset names it by. */
export function linkTypeIri(linkType: ServedLinkType): string {
  const [prefix, term] = linkType.split(':') as [keyof typeof LINK_TYPE_NAMESPACES, string];
  return `${LINK_TYPE_NAMESPACES[prefix]}${term}`;
}

/** RFC 9264 §4.2 JSON linkset: one link context object for the item, relation types as IRIs. */
export function linksetOf(
  anchor: string,
  links: DeviceLinks,
): { readonly linkset: readonly Record<string, unknown>[] } {
  const context: Record<string, unknown> = { anchor };
  for (const type of SERVED_LINK_TYPES) {
    const targets = links[type];
    if (targets !== undefined) context[linkTypeIri(type)] = targets;
  }
  return { linkset: [context] };
}

function compactOf(linkType: string): string {
  for (const [prefix, namespace] of Object.entries(LINK_TYPE_NAMESPACES)) {
    if (linkType.startsWith(namespace)) return `${prefix}:${linkType.slice(namespace.length)}`;
  }
  const alias = GS1_ALIASES.find((namespace) => linkType.startsWith(namespace));
  return alias === undefined ? linkType : `gs1:${linkType.slice(alias.length)}`;
}

function repairTargets(passport: Passport): LinkTarget[] {
  const { repairManualUrl, disassemblyInstructionsUrl } = passport.repair.information;
  const targets: LinkTarget[] = [];
  if (repairManualUrl !== null) targets.push({ href: repairManualUrl, title: 'Repair manual' });
  if (disassemblyInstructionsUrl !== null) {
    targets.push({ href: disassemblyInstructionsUrl, title: 'Disassembly instructions' });
  }
  return targets;
}

/** Sustainability information is worth a link only when the passport holds some. */
function hasSustainabilityData(passport: Passport): boolean {
  return passport.materials.materials.length > 0 || passport.carbonFootprint.manufacturingKgCo2e !== null;
}
