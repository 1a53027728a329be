/**
 * The dashboard's tables as data: each cell holds the value the statistics document gives (the
 * API's display strings: tonnes with three decimals, rates with one), the text the page shows (the
 * same number in the page's locale) and the link to the facts behind it. The page and the CSV
 * download are both rendered from one table, so the CSV is the table.
 *
 * Every figure comes from the statistics documents (libs/projections StatisticsQueries); nothing here
 * adds, divides or rounds a figure.
 */
import type { Market, TreatmentLocation, WeeeCategory } from '#kierto/domain';
import type {
  CollectionRateDocument,
  Measure,
  Quantity,
  RateLine,
  RecoveryRatesDocument,
  ReportColumns,
  ReportDocument,
} from '#kierto/projections';
import { STRINGS, type Language } from '../pages/i18n.js';
import type { StatisticsFilterQuery } from '../statistics/scoped-request.js';
import { toCsv } from '../statistics/csv.js';
import { DASHBOARD_STRINGS, type DashboardStrings } from './dashboard-i18n.js';

export const TABLE_IDS = ['collection-rates', 'recovery-rates', 'report'] as const;
export type TableId = (typeof TABLE_IDS)[number];

export interface TableCell {
  /** What the CSV holds: the document's value (display strings for masses and rates), null for none. */
  readonly value: string | number | boolean | null;
  /** What the page shows. */
  readonly text: string;
  /** The facts page behind the figure; null for a figure without facts, a label or a derived value. */
  readonly href: string | null;
  /** Shown after the text on the page (e.g. which year a column's figure is of); not in the CSV. */
  readonly note: string | null;
}

export interface TableColumn {
  /** The CSV header (stable, English, as the API's CSV columns). */
  readonly key: string;
  readonly label: string;
  readonly numeric: boolean;
}

export interface DashboardTable {
  readonly id: TableId;
  readonly caption: string;
  readonly columns: readonly TableColumn[];
  /** The first cell of each row is its header. */
  readonly rows: readonly (readonly TableCell[])[];
}

/** How the tables link to facts and format numbers: the filters as asked, and the page's language. */
export interface TableContext {
  readonly query: StatisticsFilterQuery;
  readonly language: Language;
  /** `?lang=` is kept on links only when the person chose a language by it. */
  readonly langParameter: Language | null;
}

interface Narrowing {
  readonly category?: WeeeCategory;
  readonly market?: Market;
  readonly treatment?: TreatmentLocation;
}

/** The address of the facts page of a figure: the page's filters, narrowed to the figure's cell. */
export function factsHref(
  context: TableContext,
  year: number,
  measures: readonly Measure[],
  narrow: Narrowing = {},
): string {
  const { query } = context;
  const parameters = new URLSearchParams();
  parameters.set('year', String(year));
  for (const measure of measures) parameters.append('measure', measure);
  if (narrow.treatment !== undefined) parameters.set('treatment', narrow.treatment);
  const category = narrow.category ?? query.category;
  const market = narrow.market ?? query.market;
  if (query.country !== undefined) parameters.set('country', query.country);
  if (category !== undefined) parameters.set('category', String(category));
  if (market !== undefined) parameters.set('market', market);
  if (query.producerId !== undefined) parameters.set('producerId', query.producerId);
  if (query.organisationId !== undefined) parameters.set('organisationId', query.organisationId);
  if (context.langParameter !== null) parameters.set('lang', context.langParameter);
  return `/dashboard/facts?${parameters.toString()}`;
}

/** The dashboard's own filters as a query string (for the CSV links and the facts page's way back). */
export function filtersQueryString(context: TableContext): string {
  const { query } = context;
  const parameters = new URLSearchParams({ year: String(query.year) });
  if (query.country !== undefined) parameters.set('country', query.country);
  if (query.category !== undefined) parameters.set('category', String(query.category));
  if (query.market !== undefined) parameters.set('market', query.market);
  if (query.producerId !== undefined) parameters.set('producerId', query.producerId);
  if (query.organisationId !== undefined) parameters.set('organisationId', query.organisationId);
  if (context.langParameter !== null) parameters.set('lang', context.langParameter);
  return parameters.toString();
}

/** Formats the documents' decimal strings in the page's locale, with the same number of decimals. */
export class NumberFormats {
  private readonly tonnesFormat: Intl.NumberFormat;
  private readonly rateFormat: Intl.NumberFormat;
  private readonly integerFormat: Intl.NumberFormat;

  constructor(locale: string) {
    this.tonnesFormat = new Intl.NumberFormat(locale, { minimumFractionDigits: 3, maximumFractionDigits: 3 });
    this.rateFormat = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    this.integerFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  }

  /** A `tonnes` display string (three decimals) in the locale: exact, as it only regroups the digits. */
  tonnes(display: string): string {
    return this.tonnesFormat.format(Number(display));
  }

  rate(display: string): string {
    return this.rateFormat.format(Number(display));
  }

  whole(value: number): string {
    return this.integerFormat.format(value);
  }

  kg(value: number): string {
    return new Intl.NumberFormat(this.tonnesFormat.resolvedOptions().locale, { maximumFractionDigits: 6 }).format(
      value,
    );
  }
}

const label = (text: string | number): TableCell => ({ value: text, text: String(text), href: null, note: null });
const NONE = '–';

function quantityCell(quantity: Quantity, formats: NumberFormats, href: string, note: string | null = null): TableCell {
  // A figure that sums no facts has nothing behind it to show.
  return {
    value: quantity.tonnes,
    text: formats.tonnes(quantity.tonnes),
    href: quantity.facts > 0 ? href : null,
    note,
  };
}

function yesNo(met: boolean | null, words: DashboardStrings): TableCell {
  return { value: met, text: met === null ? NONE : met ? words.yes : words.no, href: null, note: null };
}

const percent = (value: number | null, formats: NumberFormats): TableCell =>
  value === null
    ? { value: null, text: NONE, href: null, note: null }
    : { value, text: formats.whole(value), href: null, note: null };

/**
 * Collection rate per year, oldest first, each with its three placed-on-market years. The rate links
 * to its numerator's facts (what was collected in the year); each year placed on the market links to
 * its own, so every part of the formula leads to its devices.
 */
export function collectionTable(documents: readonly CollectionRateDocument[], context: TableContext): DashboardTable {
  const words = DASHBOARD_STRINGS[context.language].collection;
  const all = DASHBOARD_STRINGS[context.language];
  const formats = new NumberFormats(STRINGS[context.language].locale);
  return {
    id: 'collection-rates',
    caption: words.heading,
    columns: [
      { key: 'year', label: words.year, numeric: false },
      { key: 'collected_t', label: words.collected, numeric: true },
      { key: 'pom_n_minus_3_t', label: words.pomYearN(3), numeric: true },
      { key: 'pom_n_minus_2_t', label: words.pomYearN(2), numeric: true },
      { key: 'pom_n_minus_1_t', label: words.pomYearN(1), numeric: true },
      { key: 'average_pom_t', label: words.average, numeric: true },
      { key: 'rate_percent', label: words.rate, numeric: true },
      { key: 'target_percent', label: words.target, numeric: true },
      { key: 'met', label: words.met, numeric: false },
    ],
    rows: documents.map((document) => {
      const { year } = document;
      const placed = [0, 1, 2].map((index): TableCell => {
        const entry = document.placedOnMarket[index];
        if (entry === undefined) return { value: null, text: NONE, href: null, note: null };
        return quantityCell(entry, formats, factsHref(context, entry.year, ['POM']), String(entry.year));
      });
      const rate: TableCell =
        document.rate === null
          ? {
              value: null,
              text: document.missingYears.length > 0 ? words.notComputable(document.missingYears.join(', ')) : NONE,
              href: null,
              note: null,
            }
          : {
              value: document.rate.display,
              text: formats.rate(document.rate.display),
              href: factsHref(context, year, ['COL']),
              note: null,
            };
      const target: TableCell =
        document.target === null
          ? {
              value: null,
              text:
                context.query.category !== undefined || context.query.market !== undefined
                  ? words.informationOnly
                  : words.noTarget,
              href: null,
              note: null,
            }
          : percent(document.target.percent, formats);
      return [
        label(year),
        quantityCell(document.collected, formats, factsHref(context, year, ['COL'])),
        ...placed,
        document.averagePlacedOnMarket === null
          ? { value: null, text: NONE, href: null, note: null }
          : {
              value: document.averagePlacedOnMarket.tonnes,
              text: formats.tonnes(document.averagePlacedOnMarket.tonnes),
              href: null,
              note: null,
            },
        rate,
        target,
        yesNo(document.met, all),
      ];
    }),
  };
}

/** The measures a rate's numerator sums (its formula's), whose facts its link lists. */
const NUMERATOR: Readonly<Record<RateLine['kind'], readonly Measure[]>> = {
  recovery: ['RCV'],
  'prepared-for-re-use-and-recycling': ['PFR', 'RCY'],
  recycling: ['RCY'],
};

/**
 * Annex V per category for the whole year (the document's `categories`): the quantities, the
 * recovery rate, and the category's second rate (prepared for re-use + recycled; lamps: recycled),
 * each against its target. A rate links to the facts of its numerator.
 */
export function recoveryTable(document: RecoveryRatesDocument, context: TableContext): DashboardTable {
  const all = DASHBOARD_STRINGS[context.language];
  const words = all.recovery;
  const formats = new NumberFormats(STRINGS[context.language].locale);
  const categoryNames = STRINGS[context.language].weeeCategory;
  const { year } = document;
  const rateCells = (line: RateLine | undefined, category: WeeeCategory): TableCell[] => {
    if (line === undefined) return [label(NONE), label(NONE), label(NONE)];
    return [
      line.rate === null
        ? { value: null, text: NONE, href: null, note: null }
        : {
            value: line.rate.display,
            text: formats.rate(line.rate.display),
            href: factsHref(context, year, NUMERATOR[line.kind], { category }),
            note: null,
          },
      percent(line.target, formats),
      yesNo(line.met, all),
    ];
  };
  return {
    id: 'recovery-rates',
    caption: words.heading,
    columns: [
      { key: 'category', label: words.category, numeric: false },
      { key: 'collected_t', label: words.collected, numeric: true },
      { key: 'prepared_for_reuse_t', label: words.preparedForReuse, numeric: true },
      { key: 'recycled_t', label: words.recycled, numeric: true },
      { key: 'recovered_t', label: words.recovered, numeric: true },
      { key: 'recovery_percent', label: words.rateKind.recovery, numeric: true },
      { key: 'recovery_target_percent', label: `${words.rateKind.recovery}: ${words.target}`, numeric: true },
      { key: 'recovery_met', label: `${words.rateKind.recovery}: ${words.met}`, numeric: false },
      { key: 'second_rate', label: words.secondRate, numeric: false },
      { key: 'second_rate_percent', label: words.secondRatePercent, numeric: true },
      { key: 'second_rate_target_percent', label: `${words.secondRatePercent}: ${words.target}`, numeric: true },
      { key: 'second_rate_met', label: `${words.secondRatePercent}: ${words.met}`, numeric: false },
    ],
    rows: document.categories.map((entry) => {
      const { category } = entry;
      const recovery = entry.rates.find((line) => line.kind === 'recovery');
      const second = entry.rates.find((line) => line.kind !== 'recovery');
      return [
        { value: category, text: `${category} ${categoryNames[category]}`, href: null, note: null },
        quantityCell(entry.collected, formats, factsHref(context, year, ['COL'], { category })),
        quantityCell(entry.preparedForReuse, formats, factsHref(context, year, ['PFR'], { category })),
        quantityCell(entry.recycled, formats, factsHref(context, year, ['RCY'], { category })),
        quantityCell(entry.recovered, formats, factsHref(context, year, ['RCV'], { category })),
        ...rateCells(recovery, category),
        second === undefined
          ? label(NONE)
          : { value: second.kind, text: words.rateName[second.kind], href: null, note: null },
        ...rateCells(second, category),
      ];
    }),
  };
}

/** The report's columns, their measure (and treatment location) in the facts, in the API CSV's order. */
const REPORT_COLUMNS: readonly {
  readonly key: keyof ReportColumns;
  readonly csv: string;
  readonly measure: Measure;
  readonly treatment?: TreatmentLocation;
}[] = [
  { key: 'placedOnMarket', csv: 'placed_on_market_t', measure: 'POM' },
  { key: 'collected', csv: 'collected_t', measure: 'COL' },
  { key: 'preparedForReuse', csv: 'prepared_for_reuse_t', measure: 'PFR' },
  { key: 'recycled', csv: 'recycled_t', measure: 'RCY' },
  { key: 'energyRecovery', csv: 'energy_recovery_t', measure: 'ER' },
  { key: 'treatedSameCountry', csv: 'treated_same_country_t', measure: 'TREATED', treatment: 'same-country' },
  { key: 'treatedOtherEu', csv: 'treated_other_eu_t', measure: 'TREATED', treatment: 'other-eu' },
  { key: 'treatedOutsideEu', csv: 'treated_outside_eu_t', measure: 'TREATED', treatment: 'outside-eu' },
  { key: 'reuse', csv: 'reuse_not_weee_t', measure: 'REUSE' },
];

/** The yearly report: category × household/other for the whole year, and the totals row. */
export function reportTable(document: ReportDocument, context: TableContext): DashboardTable {
  const words = DASHBOARD_STRINGS[context.language].report;
  const all = DASHBOARD_STRINGS[context.language];
  const formats = new NumberFormats(STRINGS[context.language].locale);
  const categoryNames = STRINGS[context.language].weeeCategory;
  const { year } = document;
  const columns = (values: ReportColumns, narrow: Narrowing): TableCell[] =>
    REPORT_COLUMNS.map((column) =>
      quantityCell(
        values[column.key],
        formats,
        factsHref(context, year, [column.measure], {
          ...narrow,
          ...(column.treatment === undefined ? {} : { treatment: column.treatment }),
        }),
      ),
    );
  return {
    id: 'report',
    caption: words.heading,
    columns: [
      { key: 'category', label: words.category, numeric: false },
      { key: 'market', label: words.market, numeric: false },
      ...REPORT_COLUMNS.map((column) => ({
        key: column.csv,
        label: `${words.columns[column.key]} (${all.tonnes})`,
        numeric: true,
      })),
    ],
    rows: [
      ...document.rows.map((row) => [
        { value: row.category, text: `${row.category} ${categoryNames[row.category]}`, href: null, note: null },
        { value: row.market, text: all.market[row.market], href: null, note: null },
        ...columns(row, { category: row.category, market: row.market }),
      ]),
      [
        { value: 'total', text: words.total, href: null, note: null },
        { value: 'all', text: all.filters.any, href: null, note: null },
        ...columns(document.totals, {}),
      ],
    ],
  };
}

/** The table as CSV (RFC 4180, the API's conventions): its column keys, then each row's values. */
export function tableCsv(table: DashboardTable): string {
  return toCsv(
    table.columns.map((column) => column.key),
    table.rows.map((row) => row.map((cell) => cell.value)),
  );
}
