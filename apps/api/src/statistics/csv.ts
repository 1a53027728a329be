/**
 * CSV renderings of the statistics documents (RFC 4180: comma, CRLF, quotes doubled). Tonnes are
 * the documents' display strings (three decimals, half-up); rates their full precision and display.
 * Text that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with a quote.
 */
import type {
  CategoryRates,
  CollectionRateDocument,
  FactsPage,
  IndicatorsDocument,
  RecoveryRatesDocument,
  ReportColumns,
  ReportDocument,
  WeeeGeneratedDocument,
  YearPeriodDocument,
} from '#kierto/projections';

type Cell = string | number | boolean | null;

function cell(value: Cell): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

export function collectionRateCsv(document: CollectionRateDocument): string {
  const [n3, n2, n1] = document.placedOnMarket;
  return toCsv(
    [
      'year',
      'collected_t',
      `pom_${n3?.year ?? ''}_t`,
      `pom_${n2?.year ?? ''}_t`,
      `pom_${n1?.year ?? ''}_t`,
      'average_pom_t',
      'rate_percent',
      'rate_display',
      'target_percent',
      'met',
      'computable',
      'reason',
      'as_of',
      'checkpoint',
    ],
    [
      [
        document.year,
        document.collected.tonnes,
        n3?.tonnes ?? null,
        n2?.tonnes ?? null,
        n1?.tonnes ?? null,
        document.averagePlacedOnMarket?.tonnes ?? null,
        document.rate?.percent ?? null,
        document.rate?.display ?? null,
        document.target?.percent ?? null,
        document.met,
        document.computable,
        document.reason,
        document.basis.asOf,
        document.basis.checkpoint,
      ],
    ],
  );
}

/**
 * One row per category (its lifespan, estimate, coverage and missing years) and a total row that
 * carries the collected weight and both Art. 7(1) rates; missing years are space-separated.
 */
export function weeeGeneratedCsv(document: WeeeGeneratedDocument): string {
  const generated = document.rateAgainstWeeeGenerated;
  const average = document.rateAgainstAveragePlacedOnMarket;
  const blankRates: Cell[] = [null, null, null, null, null, null, null, null, null, null];
  return toCsv(
    [
      'year',
      'category',
      'category_name',
      'shape',
      'scale_years',
      'lifespan_source',
      'horizon_years',
      'weee_generated_t',
      'coverage',
      'complete',
      'missing_years',
      'reason',
      'collected_t',
      'rate_vs_weee_generated_percent',
      'rate_vs_weee_generated_display',
      'target_vs_weee_generated_percent',
      'met_vs_weee_generated',
      'rate_vs_average_pom_percent',
      'rate_vs_average_pom_display',
      'target_vs_average_pom_percent',
      'met_vs_average_pom',
      'target_met',
      'as_of',
      'checkpoint',
    ],
    [
      ...document.categories.map((category): Cell[] => [
        document.year,
        category.category,
        category.name,
        category.lifespan?.shape ?? null,
        category.lifespan?.scale ?? null,
        category.lifespan?.source ?? null,
        category.horizonYears,
        category.weeeGenerated?.tonnes ?? null,
        category.coverage,
        category.complete,
        category.missingYears.join(' '),
        category.reason,
        ...blankRates,
        document.basis.asOf,
        document.basis.checkpoint,
      ]),
      [
        document.year,
        'total',
        'all categories',
        null,
        null,
        null,
        null,
        document.total.weeeGenerated.tonnes,
        null,
        document.total.complete,
        null,
        document.total.reason ?? generated.reason,
        document.collected.tonnes,
        generated.rate?.percent ?? null,
        generated.rate?.display ?? null,
        generated.target?.percent ?? null,
        generated.met,
        average.rate?.percent ?? null,
        average.rate?.display ?? null,
        average.target?.percent ?? null,
        average.met,
        document.targetMet,
        document.basis.asOf,
        document.basis.checkpoint,
      ],
    ],
  );
}

/**
 * The reference period columns appended to the report and rates CSVs (docs/adr/0015): the whole-year
 * rows by Annex III category leave period, from and to empty; each table's rows name their period.
 */
const PERIOD_HEADER = ['scheme', 'period', 'period_from', 'period_to'] as const;
const WHOLE_YEAR: readonly Cell[] = ['annex-iii', null, null, null];
const periodCells = (period: YearPeriodDocument): Cell[] => [period.scheme, period.id, period.from, period.to];
/** A table's category: its number, or "unknown" for the row of devices whose Annex I category is unknown. */
const categoryCell = (category: number | null): Cell => category ?? 'unknown';

export function recoveryRatesCsv(document: RecoveryRatesDocument): string {
  const lines = (
    categories: readonly (Omit<CategoryRates, 'category'> & { readonly category: number | null })[],
    period: readonly Cell[],
  ): Cell[][] =>
    categories.flatMap((category) =>
      category.rates.map((line): Cell[] => [
        document.year,
        categoryCell(category.category),
        category.name,
        category.collected.tonnes,
        category.preparedForReuse.tonnes,
        category.recycled.tonnes,
        category.recovered.tonnes,
        line.kind,
        line.formula,
        line.rate?.percent ?? null,
        line.rate?.display ?? null,
        line.target,
        line.met,
        ...period,
      ]),
    );
  return toCsv(
    [
      'year',
      'category',
      'category_name',
      'collected_t',
      'prepared_for_reuse_t',
      'recycled_t',
      'recovered_t',
      'rate',
      'formula',
      'rate_percent',
      'rate_display',
      'target_percent',
      'met',
      ...PERIOD_HEADER,
    ],
    [
      ...lines(document.categories, WHOLE_YEAR),
      ...document.tables.flatMap((table) => lines(table.categories, periodCells(table.period))),
    ],
  );
}

const REPORT_COLUMNS: readonly (readonly [keyof ReportColumns, string])[] = [
  ['placedOnMarket', 'placed_on_market_t'],
  ['collected', 'collected_t'],
  ['preparedForReuse', 'prepared_for_reuse_t'],
  ['recycled', 'recycled_t'],
  ['energyRecovery', 'energy_recovery_t'],
  ['treatedSameCountry', 'treated_same_country_t'],
  ['treatedOtherEu', 'treated_other_eu_t'],
  ['treatedOutsideEu', 'treated_outside_eu_t'],
  ['reuse', 'reuse_not_weee_t'],
];

export function reportCsv(document: ReportDocument): string {
  const tonnes = (columns: ReportColumns): string[] => REPORT_COLUMNS.map(([key]) => columns[key].tonnes);
  return toCsv(
    ['year', 'category', 'category_name', 'market', ...REPORT_COLUMNS.map(([, name]) => name), ...PERIOD_HEADER],
    [
      ...document.rows.map((row) => [
        document.year,
        row.category,
        row.categoryName,
        row.market,
        ...tonnes(row),
        ...WHOLE_YEAR,
      ]),
      [document.year, 'total', 'all categories', 'all', ...tonnes(document.totals), ...WHOLE_YEAR],
      ...document.tables.flatMap((table) => [
        ...table.rows.map((row) => [
          document.year,
          categoryCell(row.category),
          row.categoryName,
          row.market,
          ...tonnes(row),
          ...periodCells(table.period),
        ]),
        [document.year, 'total', 'all categories', 'all', ...tonnes(table.totals), ...periodCells(table.period)],
      ]),
    ],
  );
}

export function indicatorsCsv(document: IndicatorsDocument): string {
  return toCsv(
    ['year', 'indicator', 'unit', 'numerator', 'denominator', 'value', 'display', 'definition'],
    document.indicators.map((indicator) => [
      document.year,
      indicator.name,
      indicator.unit,
      indicator.numerator,
      indicator.denominator,
      indicator.value,
      indicator.display,
      indicator.definition,
    ]),
  );
}

export function factsCsv(page: FactsPage): string {
  return toCsv(
    [
      'global_position',
      'event_id',
      'device_id',
      'measure',
      'year',
      'occurred_at',
      'recorded_at',
      'attributed_at',
      'country',
      'producer_id',
      'on_behalf_of',
      'organisation_id',
      'category',
      'market',
      'treatment',
      'kg',
      'units',
      'value',
      'annex_i_category',
      'period',
    ],
    page.items.map((fact) => [
      fact.globalPosition,
      fact.eventId,
      fact.deviceId,
      fact.measure,
      fact.year,
      fact.occurredAt,
      fact.recordedAt,
      fact.attributedAt,
      fact.country,
      fact.producerId,
      fact.onBehalfOf,
      fact.organisationId,
      fact.category,
      fact.market,
      fact.treatment,
      fact.kg,
      fact.units,
      fact.value,
      fact.annexICategory,
      fact.period,
    ]),
  );
}
