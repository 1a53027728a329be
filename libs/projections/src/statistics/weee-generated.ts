/**
 * The WEEE-generated document (docs/statistics.md "WEEE generated"): the sales–lifespan estimate per
 * category from the placed-on-market facts of every year up to N, and the collection rate against it
 * beside the rate against the average placed on the market, each with its Art. 7(1) alternative
 * target. The formula and its parameters are libs/domain/src/weee-generated.ts; this file only turns
 * sums of facts into its inputs and its results into the document.
 */
import {
  collectionRateTarget,
  describeYears,
  horizonYears,
  weeeGenerated,
  weeeGeneratedTarget,
  WEEE_CATEGORY_NAMES,
  type LifespanTable,
  type WeeeCategory,
} from '#kierto/domain';
import type { StatisticsFilters, SumRow } from './read-model.js';
import type {
  Basis,
  Quantity,
  Rate,
  WeeeGeneratedCategory,
  WeeeGeneratedDocument,
  WeeeGeneratedRate,
} from './documents.js';
import { mgToKg, percentDisplay, tonnesDisplay } from './mass.js';

/** Events cannot be dated before 1970 (libs/domain/src/limits.ts), so no history is older. */
export const FIRST_HISTORY_YEAR = 1970;

/** Every year whose placing on the market can add to WEEE generated in `year`. */
export function historyYears(year: number): number[] {
  const years: number[] = [];
  for (let y = Math.min(FIRST_HISTORY_YEAR, year); y <= year; y += 1) years.push(y);
  return years;
}

export interface WeeeGeneratedInput {
  readonly year: number;
  readonly filters: StatisticsFilters;
  readonly basis: Basis;
  readonly categories: readonly WeeeCategory[];
  /** POM of every history year grouped by category, and COL of `year`. */
  readonly rows: readonly SumRow[];
  readonly lifespans: LifespanTable;
}

const mass = (mg: number): { readonly kg: number; readonly tonnes: string } => ({
  kg: mgToKg(mg),
  tonnes: tonnesDisplay(mg),
});
const rateOf = (percent: number): Rate => ({ percent, display: percentDisplay(percent) });

export function weeeGeneratedDocument(input: WeeeGeneratedInput): WeeeGeneratedDocument {
  const { year, rows } = input;
  const pom = rows.filter((row) => row.measure === 'POM');
  let generatedMg = 0;
  const categories = input.categories.map((category): WeeeGeneratedCategory => {
    const history = pom
      .filter((row) => row.category === category)
      .map((row) => ({ year: row.year, massMg: row.massMg, facts: row.facts }));
    const lifespan = input.lifespans[category];
    const estimate = weeeGenerated(year, history, lifespan);
    generatedMg += estimate.generatedMg ?? 0;
    const withData = history.filter((entry) => entry.facts > 0 && entry.year <= year);
    return {
      category,
      name: WEEE_CATEGORY_NAMES[category],
      lifespan: estimate.lifespan,
      horizonYears: lifespan === undefined ? null : horizonYears(lifespan),
      weeeGenerated: estimate.generatedMg === null ? null : mass(estimate.generatedMg),
      coverage: estimate.coverage,
      complete: estimate.complete,
      missingYears: estimate.missingYears,
      firstPlacedOnMarketYear: withData.length === 0 ? null : Math.min(...withData.map((entry) => entry.year)),
      placedOnMarketFacts: withData.reduce((sum, entry) => sum + entry.facts, 0),
      reason: estimate.reason,
      contributions: estimate.contributions.map((entry) => ({
        placedYear: entry.placedYear,
        age: entry.age,
        share: entry.share,
        placedOnMarket: mass(entry.placedMg),
        weeeGenerated: mass(entry.generatedMg),
      })),
    };
  });

  const incomplete = categories.filter((entry) => !entry.complete);
  const totalComplete = incomplete.length === 0;
  const totalReason = totalComplete
    ? null
    : `Incomplete for categor${incomplete.length === 1 ? 'y' : 'ies'} ${incomplete.map((entry) => entry.category).join(', ')}: ` +
      'the total is a lower bound';

  const collectedRows = rows.filter((row) => row.measure === 'COL' && row.year === year);
  const collectedMg = collectedRows.reduce((sum, row) => sum + row.massMg, 0);
  const collected: Quantity = {
    ...mass(collectedMg),
    units: collectedRows.reduce((sum, row) => sum + row.units, 0),
    facts: collectedRows.reduce((sum, row) => sum + row.facts, 0),
  };

  const totalOnly = input.filters.category === null && input.filters.market === null;
  const targetNote = !totalOnly
    ? 'The Article 7 targets apply to all categories, household and other together; these rates are for information'
    : year < 2016
      ? `No collection target applies to ${year} (targets start in 2016)`
      : year < 2019
        ? `The 85 % of WEEE generated alternative applies from 2019; ${year} has the 45 % target against the average placed on the market only`
        : null;

  const againstGenerated: WeeeGeneratedRate = (() => {
    const reason = !totalComplete
      ? `WEEE generated is incomplete (${totalReason ?? ''}): a rate against a lower bound would overstate collection, so none is given`
      : generatedMg === 0
        ? `No WEEE is estimated to be generated in ${year}`
        : null;
    const rate = reason === null ? rateOf((100 * collectedMg) / generatedMg) : null;
    const target = totalOnly ? weeeGeneratedTarget(year) : null;
    return {
      formula: 'CR_gen(N) = 100 × COL(N) / WEEE generated(N)',
      computable: reason === null,
      reason,
      missingYears: [],
      rate,
      target,
      met: rate !== null && target !== null ? rate.percent >= target.percent : null,
    };
  })();

  const againstAverage: WeeeGeneratedRate = (() => {
    const pomYears = [year - 3, year - 2, year - 1];
    const pomOf = (pomYear: number) => pom.filter((row) => row.year === pomYear);
    const missingYears = pomYears.filter((pomYear) => pomOf(pomYear).reduce((sum, row) => sum + row.facts, 0) === 0);
    const averageMg =
      pomYears.reduce((sum, pomYear) => sum + pomOf(pomYear).reduce((s, row) => s + row.massMg, 0), 0) / 3;
    const reason =
      missingYears.length > 0
        ? `No placed-on-market data for ${describeYears(missingYears)}: the rate needs all three preceding years and is not estimated`
        : averageMg === 0
          ? 'Nothing was placed on the market in the three preceding years'
          : null;
    const rate = reason === null ? rateOf((100 * collectedMg) / averageMg) : null;
    const target = totalOnly ? collectionRateTarget(year) : null;
    return {
      formula: 'CR(N) = 100 × COL(N) / ((POM(N−1) + POM(N−2) + POM(N−3)) / 3)',
      computable: reason === null,
      reason,
      missingYears,
      rate,
      target,
      met: rate !== null && target !== null ? rate.percent >= target.percent : null,
    };
  })();

  // Art. 7(1) is met by either alternative: one met is enough; "not met" needs both to say so.
  const verdicts = [againstAverage, againstGenerated]
    .filter((entry) => entry.target !== null)
    .map((entry) => entry.met);
  const targetMet =
    verdicts.length === 0
      ? null
      : verdicts.includes(true)
        ? true
        : verdicts.every((met) => met === false)
          ? false
          : null;

  return {
    year,
    filters: input.filters,
    basis: input.basis,
    formula: 'WEEE generated(N) = Σ_{t ≤ N} POM(t) × L(N − t), L(k) = F(k + 1) − F(k), F(x) = 1 − exp(−(x/β)^α)',
    categories,
    total: { weeeGenerated: mass(generatedMg), complete: totalComplete, reason: totalReason },
    collected,
    rateAgainstWeeeGenerated: againstGenerated,
    rateAgainstAveragePlacedOnMarket: againstAverage,
    targetMet,
    targetNote,
  };
}
