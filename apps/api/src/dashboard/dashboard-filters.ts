/**
 * The dashboard's filters from a GET form's query string. The values are checked by the statistics
 * API's own DTO (StatisticsQuery, class-validator), so a filter the page accepts is one the JSON API
 * accepts, and the page answers the same figures for it; what differs is the answer to a bad value:
 * the page shows the form again with the field's error (400) instead of the JSON error.
 *
 * A GET form sends every field, empty ones as `name=`: empty means "not filtered".
 */
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { decodeCursor, MEASURES, TREATMENT_LOCATIONS, type Measure } from '#kierto/projections';
import type { TreatmentLocation } from '#kierto/domain';
import type { StatisticsFilterQuery } from '../statistics/scoped-request.js';
import { StatisticsQuery } from '../statistics/statistics-query.dto.js';

/** The form's fields, named as the API's query parameters (producerId is the "member" filter). */
export const FILTER_FIELDS = ['year', 'country', 'category', 'market', 'producerId', 'organisationId'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

/** Parameters every dashboard address may carry besides the filters. */
const PAGE_PARAMETERS = ['lang'] as const;
/** What the facts page takes besides the filters. */
const FACTS_PARAMETERS = ['measure', 'treatment', 'cursor', 'limit'] as const;

/** Facts per page unless `limit` says otherwise (1–200): a screenful to scan, light enough for a phone. */
export const FACTS_PER_PAGE = 50;
const MAX_FACTS_PER_PAGE = 200;

/** The fields as entered (to fill the form again), each a string, empty when not filtered. */
export type EnteredFilters = Readonly<Record<FilterField, string>>;

export interface ParsedFilters {
  readonly entered: EnteredFilters;
  /** The checked query, or null when any field (or parameter) is refused. */
  readonly query: StatisticsFilterQuery | null;
  /** The fields refused, in form order. */
  readonly invalid: readonly FilterField[];
  /** Parameters the page does not know, by name. */
  readonly unknown: readonly string[];
}

/**
 * Whether text may stand in a form field: no control characters (C0, DEL), and no U+FFFD that
 * undecodable bytes in the address left behind (the API's text rule, apps/api/src/http/text-rule.ts).
 */
function isFieldText(value: string): boolean {
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f || code === 0xfffd) return false;
  }
  return true;
}

/** The printable part of a refused value, to show it back in its field. */
const printable = (value: string): string => [...value].filter((char) => isFieldText(char)).join('');

type RawQuery = Readonly<Record<string, unknown>>;

/**
 * Reads and checks the filters. The year defaults to `defaultYear` (the last full year) when the
 * form has not been sent; every other field defaults to "not filtered".
 */
export async function parseFilters(
  raw: RawQuery,
  defaultYear: number,
  extraParameters: readonly string[] = [],
): Promise<ParsedFilters> {
  const known = new Set<string>([...FILTER_FIELDS, ...PAGE_PARAMETERS, ...extraParameters]);
  const unknown = Object.keys(raw).filter((name) => !known.has(name));
  const invalid = new Set<FilterField>();
  const entered = {} as Record<FilterField, string>;
  const given: Partial<Record<FilterField, string>> = {};
  for (const field of FILTER_FIELDS) {
    const value = raw[field];
    if (value === undefined) {
      entered[field] = '';
      continue;
    }
    // A repeated parameter (an array) or an object is not a value the form sends.
    if (typeof value !== 'string' || !isFieldText(value)) {
      entered[field] = typeof value === 'string' ? printable(value) : '';
      invalid.add(field);
      continue;
    }
    entered[field] = value;
    const trimmed = value.trim();
    if (trimmed !== '') given[field] = trimmed;
  }
  if (entered.year === '' && raw['year'] === undefined) entered.year = String(defaultYear);
  const dto = plainToInstance(StatisticsQuery, {
    ...given,
    year: given.year ?? (raw['year'] === undefined ? defaultYear : ''),
  });
  for (const error of await validate(dto)) {
    if ((FILTER_FIELDS as readonly string[]).includes(error.property)) invalid.add(error.property as FilterField);
  }
  const ordered = FILTER_FIELDS.filter((field) => invalid.has(field));
  if (ordered.length > 0 || unknown.length > 0) return { entered, query: null, invalid: ordered, unknown };
  return {
    entered,
    query: {
      year: dto.year,
      country: dto.country,
      category: dto.category,
      market: dto.market,
      producerId: dto.producerId,
      organisationId: dto.organisationId,
    },
    invalid: [],
    unknown: [],
  };
}

/** What the facts page lists: facts of one or more measures (a rate's numerator may be two), optionally one treatment location. */
export interface FactsSelection {
  readonly measures: readonly Measure[];
  readonly treatment: TreatmentLocation | null;
  readonly cursor: { readonly globalPosition: number; readonly measure: Measure } | null;
  /** The cursor as given, for the CSV link of the same page. */
  readonly cursorText: string | null;
  readonly limit: number;
}

export type FactsParameter = (typeof FACTS_PARAMETERS)[number];

export interface ParsedFacts {
  readonly filters: ParsedFilters;
  readonly selection: FactsSelection | null;
  readonly invalid: readonly FactsParameter[];
}

/** The facts page's parameters: the filters, then `measure` (one or more), `treatment` and `cursor`. */
export async function parseFactsParameters(raw: RawQuery, defaultYear: number): Promise<ParsedFacts> {
  const filters = await parseFilters(raw, defaultYear, FACTS_PARAMETERS);
  const invalid: FactsParameter[] = [];
  const asked = raw['measure'];
  const names = typeof asked === 'string' ? [asked] : Array.isArray(asked) ? asked : [];
  const measures = MEASURES.filter((measure) => names.includes(measure));
  if (names.length === 0 || measures.length !== names.length) invalid.push('measure');
  const treatmentValue = raw['treatment'];
  const treatment =
    treatmentValue === undefined || treatmentValue === ''
      ? null
      : (TREATMENT_LOCATIONS.find((location) => location === treatmentValue) ?? undefined);
  if (treatment === undefined) invalid.push('treatment');
  const cursorValue = raw['cursor'];
  const cursor =
    cursorValue === undefined || cursorValue === ''
      ? null
      : typeof cursorValue === 'string' && cursorValue.length <= 100
        ? decodeCursor(cursorValue)
        : null;
  const cursorGiven = cursorValue !== undefined && cursorValue !== '';
  // A cursor of this page is one of its measures: another would skip or repeat facts.
  if (cursorGiven && (cursor === null || !measures.includes(cursor.measure))) invalid.push('cursor');
  const limitValue = raw['limit'];
  const limit =
    limitValue === undefined || limitValue === ''
      ? FACTS_PER_PAGE
      : typeof limitValue === 'string' &&
          /^[1-9][0-9]{0,2}$/.test(limitValue) &&
          Number(limitValue) <= MAX_FACTS_PER_PAGE
        ? Number(limitValue)
        : null;
  if (limit === null) invalid.push('limit');
  if (invalid.length > 0 || treatment === undefined || limit === null) return { filters, selection: null, invalid };
  return {
    filters,
    selection: {
      // The order facts are listed in (the read model's: by measure, then position).
      measures: [...measures].sort(),
      treatment,
      cursor,
      cursorText: cursorGiven && typeof cursorValue === 'string' ? cursorValue : null,
      limit,
    },
    invalid,
  };
}
