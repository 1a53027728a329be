/**
 * GS1 Digital Link URIs of items (AI 01 GTIN + AI 21 serial), parsed and built by the grammar
 * digital-link.js ships (GS1_Digital_Link_Grammar_1_2.abnf) — no parser of Kierto's own. What this
 * file adds is the error a person can act on: which AI is wrong and why (docs/digital-link.md).
 */
import digitalLinkJs from 'digital-link.js';
import { DomainError, gs1PercentEncode, invalid, normaliseGs1Serial, normaliseGtin } from '#kierto/domain';

/** The key qualifiers of AI 01 in the order a link must give them (syntax dictionary `dlpkey=22,10,21`). */
export const GTIN_KEY_QUALIFIERS = ['22', '10', '21'] as const;
export type GtinKeyQualifier = (typeof GTIN_KEY_QUALIFIERS)[number];

/** The grammar rule each AI's value must match. */
const VALUE_RULES: Readonly<Record<GtinKeyQualifier, string>> = {
  '22': 'cpv-value',
  '10': 'lot-value',
  '21': 'ser-value',
};

const NAMES: Readonly<Record<GtinKeyQualifier, string>> = {
  '22': 'consumer product variant',
  '10': 'lot',
  '21': 'serial',
};

/** One item as a Digital Link identifies it; values percent-decoded. */
export interface ItemLink {
  /** GTIN-14. */
  readonly gtin: string;
  readonly serial: string;
  readonly lot: string | null;
  readonly cpv: string | null;
}

export const DigitalLinkErrorCodes = {
  malformed: 'DIGITAL_LINK_MALFORMED',
  missingPrimaryKey: 'DIGITAL_LINK_MISSING_PRIMARY_KEY',
  unknownQualifier: 'DIGITAL_LINK_UNKNOWN_QUALIFIER',
  qualifierOrder: 'DIGITAL_LINK_QUALIFIER_ORDER',
  invalidValue: 'DIGITAL_LINK_INVALID_VALUE',
  notAnItem: 'DIGITAL_LINK_NOT_AN_ITEM',
} as const;

/**
 * The item a Digital Link path names: `[/{stem segments}]/01/{gtin}[/22/{cpv}][/10/{lot}]/21/{serial}`,
 * as it arrived (percent-encoded, no query string). Throws a DomainError naming the AI at fault:
 * invalid (400) for what the grammar refuses, not-found (404) for a valid link to a product class or
 * batch, which Kierto — one passport per unit — does not resolve.
 */
export function parseItemLink(rawPath: string): ItemLink {
  const segments = normalisePercentEncoding(rawPath).split('/').slice(1);
  const primary = primaryKeyIndex(segments);
  if (primary === -1) {
    const first = segments.find((segment) => (GTIN_KEY_QUALIFIERS as readonly string[]).includes(segment));
    throw invalid(
      DigitalLinkErrorCodes.missingPrimaryKey,
      '01',
      `A Digital Link names a primary key first: AI ${first ?? '21'} needs a GTIN (/01/{gtin}) before it`,
    );
  }
  const pairs = segments.slice(primary);
  if (pairs.length % 2 !== 0 || pairs.some((segment) => segment === '')) {
    throw invalid(DigitalLinkErrorCodes.malformed, 'path', 'A Digital Link path is pairs of /{AI}/{value}');
  }
  const values = new Map<string, string>();
  let previous = -1;
  for (let i = 0; i < pairs.length; i += 2) {
    const ai = pairs[i] ?? '';
    const value = pairs[i + 1] ?? '';
    if (i > 0) previous = checkQualifierPlace(ai, previous);
    checkValue(ai as '01' | GtinKeyQualifier, value);
    values.set(ai, decodeURIComponent(value));
  }
  // The grammar over the whole path as a last word: whatever the per-AI checks missed, it refuses.
  const canonical = ['01', normaliseGtin(pairs[1] ?? '', '01'), ...pairs.slice(2)].map((s) => `/${s}`).join('');
  if (!isValidDigitalLinkUri(`https://resolver.invalid${canonical}`)) {
    throw invalid(DigitalLinkErrorCodes.malformed, 'path', 'Not a GS1 Digital Link path (grammar 1.2)');
  }
  return itemOf(values);
}

/** The canonical path of an item: GTIN-14, qualifiers in dictionary order, values encoded per the grammar. */
export function itemLinkPath(item: ItemLink): string {
  const qualifiers: [GtinKeyQualifier, string | null][] = [
    ['22', item.cpv],
    ['10', item.lot],
    ['21', item.serial],
  ];
  return `/01/${item.gtin}${qualifiers
    .filter((entry): entry is [GtinKeyQualifier, string] => entry[1] !== null)
    .map(([ai, value]) => `/${ai}/${gs1PercentEncode(value)}`)
    .join('')}`;
}

/** Whether a full URI (any stem) is a valid Digital Link by the package's grammar: for tests and checks. */
export function isValidDigitalLinkUri(uri: string): boolean {
  try {
    return digitalLinkJs.DigitalLink(uri).isValid();
  } catch {
    // The package throws on a malformed %-escape rather than answering false.
    return false;
  }
}

/**
 * RFC 3986 §6.2.2.2: a percent-encoded unreserved character (`%41`, `%2D`) is the same URI as the
 * character itself, so it is decoded before the grammar, which allows only the bare form. Any other
 * escape is kept as sent and judged by the grammar.
 */
function normalisePercentEncoding(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/gu, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/u.test(char) ? char : escape.toUpperCase();
  });
}

/**
 * Where AI 01 stands: searched from the end in steps of two, as digital-link.js does, so that a custom
 * stem's own segments (`/some/prefix`) are not taken for AIs and a serial "01" is not a key.
 */
function primaryKeyIndex(segments: readonly string[]): number {
  for (let i = segments.length - 2; i >= 0; i -= 2) {
    if (segments[i] === '01') return i;
  }
  // An odd number of segments after it (`/01/{gtin}/21`): still a GTIN link, but a malformed one.
  return segments.lastIndexOf('01');
}

/** A qualifier must be one of 01's and come after the previous one in 22, 10, 21 order; returns its place. */
function checkQualifierPlace(ai: string, previous: number): number {
  const place = (GTIN_KEY_QUALIFIERS as readonly string[]).indexOf(ai);
  if (place === -1) {
    throw invalid(
      DigitalLinkErrorCodes.unknownQualifier,
      ai,
      `AI ${ai} is not a key qualifier of a GTIN that Kierto resolves; the path may hold /22, /10 and /21, in that order (AI 235, the third-party serial, is not supported)`,
    );
  }
  if (place <= previous) {
    throw invalid(
      DigitalLinkErrorCodes.qualifierOrder,
      ai,
      `AI ${ai} is out of place: a GTIN's key qualifiers come once each, in the order 22, 10, 21`,
    );
  }
  return place;
}

function checkValue(ai: '01' | GtinKeyQualifier, value: string): void {
  if (ai === '01') {
    // Grammar 1.2 (the one in the standards' files) allows GTIN-8/12/13 as well as 14 digits; the
    // package compiles 1.4, which wants 14. The shorter forms are read and the answer names the 14.
    // normaliseGtin checks the digits and the check digit, which no grammar knows.
    normaliseGtin(value, '01');
    return;
  }
  if (!digitalLinkJs.Utils.testRule(VALUE_RULES[ai], value)) {
    throw invalid(
      ai === '21' ? 'INVALID_SERIAL_NUMBER' : DigitalLinkErrorCodes.invalidValue,
      ai,
      `AI ${ai} (${NAMES[ai]}) is 1 to 20 characters of GS1 CSET 82, each of !"%&'()*+,/:;<=>? percent-encoded (no space, # or ~)`,
    );
  }
}

function itemOf(values: ReadonlyMap<string, string>): ItemLink {
  const gtin = normaliseGtin(values.get('01') ?? '', '01');
  const serial = values.get('21');
  if (serial === undefined) {
    throw new DomainError(
      'not-found',
      DigitalLinkErrorCodes.notAnItem,
      'Kierto resolves items (a GTIN with a serial, /21/{serial}); this link names a product class or batch',
      '21',
    );
  }
  return {
    gtin,
    // The grammar has checked it already; the domain's rule is the one minting applies (one rule).
    serial: normaliseGs1Serial(serial, '21'),
    lot: values.get('10') ?? null,
    cpv: values.get('22') ?? null,
  };
}
