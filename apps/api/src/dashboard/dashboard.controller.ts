import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { readScope } from '#kierto/access';
import {
  encodeCursor,
  type CollectionRateDocument,
  type FactItem,
  type FactsPage,
  type Measure,
  type RecoveryRatesDocument,
  type ReportDocument,
  type StatisticsRequest,
} from '#kierto/projections';
import { HtmlPage, Requires } from '../access/decorators.js';
import { forbidden, requirePrincipal } from '../access/principal.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { ApiError } from '../http/api-error.js';
import { isLanguage, STRINGS, type Language } from '../pages/i18n.js';
import { renderWorkspacePage, sendWorkspacePage, workspaceLanguage } from '../pages/workspace.js';
import { factsCsv } from '../statistics/csv.js';
import { scopedStatisticsRequest, type StatisticsFilterQuery } from '../statistics/scoped-request.js';
import { CHECKPOINT_HEADER } from '../statistics/statistics.controller.js';
import { GetCollectionRate, GetFacts, GetRecoveryRates, GetReport } from '../statistics/statistics-queries.js';
import {
  FACTS_PER_PAGE,
  FILTER_FIELDS,
  parseFactsParameters,
  parseFilters,
  type FactsSelection,
  type ParsedFilters,
} from './dashboard-filters.js';
import {
  factsProblems,
  problemText as problemSentence,
  renderDashboardMain,
  renderFactsMain,
  renderFactsProblem,
  type DashboardFigures,
  type FormState,
} from './dashboard-html.js';
import { DASHBOARD_STRINGS, type FilterProblem } from './dashboard-i18n.js';
import {
  collectionTable,
  factsHref,
  filtersQueryString,
  recoveryTable,
  reportTable,
  tableCsv,
  type DashboardTable,
  type TableContext,
  type TableId,
} from './dashboard-tables.js';

/** The collection rate is shown for the year asked and the four before it: a trend, each year against its own target. */
const COLLECTION_YEARS = 5;

/** What the figures of a request are: its tables, chart points and checkpoint (./dashboard-tables.ts). */
interface Loaded {
  readonly collection: readonly CollectionRateDocument[];
  readonly recovery: RecoveryRatesDocument;
  readonly report: ReportDocument;
}

/** The filters checked and narrowed by the data rule, or what the page says instead (status and form). */
type Resolved =
  | { readonly ok: true; readonly query: StatisticsFilterQuery; readonly request: StatisticsRequest }
  | { readonly ok: false; readonly status: 400 | 403; readonly form: FormState };

/**
 * The producer organisation dashboard (docs/pages.md, "The dashboard"): the collection rate, the
 * Annex V rates and the yearly report for the filters of a GET form, each figure a link to the facts
 * behind it, and each table as CSV. Figures come from the statistics queries the JSON API answers
 * with (GetCollectionRate, GetRecoveryRates, GetReport, GetFacts), narrowed by the same data rule
 * (scopedStatisticsRequest), so the page and `GET /statistics/…` cannot disagree.
 */
@ApiExcludeController()
@Controller('dashboard')
@Requires('statistics:read')
export class DashboardController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get()
  @HtmlPage()
  async dashboard(@Req() request: Request, @Res() response: Response): Promise<void> {
    const language = workspaceLanguage(request);
    const langParameter = langParameterOf(request);
    const scope = readScope(requirePrincipal(request).organisation);
    const parsed = await parseFilters(request.query, this.defaultYear());
    const resolved = await this.resolve(request, parsed);
    const title = DASHBOARD_STRINGS[language].title;
    if (!resolved.ok) {
      const main = renderDashboardMain(language, scope, resolved.form, langParameter, null);
      sendWorkspacePage(response, language, renderWorkspacePage(request, language, title, main), resolved.status);
      return;
    }
    const context: TableContext = { query: resolved.query, language, langParameter };
    const loaded = await this.load(resolved.request);
    const figures = figuresOf(loaded, context);
    const form: FormState = { entered: parsed.entered, problems: new Map(), unknown: [] };
    const main = renderDashboardMain(language, scope, form, langParameter, figures);
    sendWorkspacePage(response, language, renderWorkspacePage(request, language, title, main));
  }

  @Get('collection-rates.csv')
  collectionRatesCsv(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.sendCsv(request, response, 'collection-rates');
  }

  @Get('recovery-rates.csv')
  recoveryRatesCsv(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.sendCsv(request, response, 'recovery-rates');
  }

  @Get('report.csv')
  reportCsv(@Req() request: Request, @Res() response: Response): Promise<void> {
    return this.sendCsv(request, response, 'report');
  }

  @Get('facts')
  @HtmlPage()
  async facts(@Req() request: Request, @Res() response: Response): Promise<void> {
    const language = workspaceLanguage(request);
    const langParameter = langParameterOf(request);
    const words = DASHBOARD_STRINGS[language];
    const parsed = await parseFactsParameters(request.query, this.defaultYear());
    const backToDashboard = `/dashboard${langParameter === null ? '' : `?lang=${langParameter}`}`;
    const send = (main: ReturnType<typeof renderFactsMain>, status: number): void =>
      sendWorkspacePage(response, language, renderWorkspacePage(request, language, words.factsTitle, main), status);
    if (parsed.selection === null || parsed.filters.query === null) {
      const messages = factsProblems(language, [...parsed.filters.invalid, ...parsed.invalid], parsed.filters.unknown);
      send(renderFactsProblem(language, messages, backToDashboard), 400);
      return;
    }
    const resolved = await this.resolve(request, parsed.filters);
    if (!resolved.ok) {
      const messages = FILTER_FIELDS.filter((field) => resolved.form.problems.has(field)).map((field) =>
        problemSentence(language, field, resolved.form),
      );
      send(renderFactsProblem(language, messages, backToDashboard), resolved.status);
      return;
    }
    const context: TableContext = { query: resolved.query, language, langParameter };
    const { items, next } = await this.factsAcross(resolved.request, parsed.selection);
    const { year } = resolved.query;
    const pageHref = (cursor: string | null): string => {
      const href = factsHref(context, year, parsed.selection?.measures ?? [], treatmentOf(parsed.selection));
      const limit = parsed.selection?.limit ?? FACTS_PER_PAGE;
      const sized = limit === FACTS_PER_PAGE ? href : `${href}&limit=${limit}`;
      return cursor === null ? sized : `${sized}&cursor=${encodeURIComponent(cursor)}`;
    };
    const csv = pageHref(parsed.selection.cursorText).replace('/dashboard/facts?', '/dashboard/facts.csv?');
    send(
      renderFactsMain(language, {
        year,
        selection: parsed.selection,
        items,
        next: next === null ? null : pageHref(next),
        first: parsed.selection.cursor === null ? null : pageHref(null),
        back: `/dashboard?${filtersQueryString(context)}`,
        csv,
        filters: describeFilters(language, resolved.query),
        timeZone: this.config.reportingTimeZone,
      }),
      200,
    );
  }

  /** The same facts as the page with the same address, as the API's facts CSV (statistics/csv.ts). */
  @Get('facts.csv')
  async factsCsv(@Req() request: Request, @Res() response: Response): Promise<void> {
    const parsed = await parseFactsParameters(request.query, this.defaultYear());
    if (parsed.selection === null || parsed.filters.query === null) {
      throw invalidParameters([...parsed.filters.invalid, ...parsed.invalid], parsed.filters.unknown);
    }
    const resolved = await this.resolve(request, parsed.filters);
    if (!resolved.ok) throw refusal(resolved);
    const { items, checkpoint } = await this.factsAcross(resolved.request, parsed.selection);
    const page: FactsPage = {
      year: resolved.request.year,
      measure: parsed.selection.measures.length === 1 ? (parsed.selection.measures[0] ?? null) : null,
      treatment: parsed.selection.treatment,
      filters: resolved.request.filters,
      basis: { asOf: null, checkpoint, reportingTimeZone: this.config.reportingTimeZone },
      items,
      nextCursor: null,
    };
    sendCsv(response, `facts-${resolved.request.year}`, checkpoint, factsCsv(page));
  }

  private async sendCsv(request: Request, response: Response, id: TableId): Promise<void> {
    const parsed = await parseFilters(request.query, this.defaultYear());
    if (parsed.query === null) throw invalidParameters(parsed.invalid, parsed.unknown);
    const resolved = await this.resolve(request, parsed);
    if (!resolved.ok) throw refusal(resolved);
    const context: TableContext = {
      query: resolved.query,
      language: workspaceLanguage(request),
      langParameter: langParameterOf(request),
    };
    const figures = figuresOf(await this.load(resolved.request), context);
    const table: DashboardTable =
      id === 'collection-rates' ? figures.collection : id === 'recovery-rates' ? figures.recovery : figures.report;
    sendCsv(response, `${id}-${resolved.query.year}`, figures.checkpoint, tableCsv(table));
  }

  /** Checks the filters and applies the data rule: a producer organisation reads its members' figures only. */
  private async resolve(request: Request, parsed: ParsedFilters): Promise<Resolved> {
    if (parsed.query === null) {
      return {
        ok: false,
        status: 400,
        form: {
          entered: parsed.entered,
          problems: new Map(parsed.invalid.map((field) => [field, 'invalid'])),
          unknown: parsed.unknown,
        },
      };
    }
    const scoped = await scopedStatisticsRequest(this.queryBus, requirePrincipal(request), parsed.query);
    if (!scoped.allowed) {
      const field = FILTER_FIELDS.find((name) => name === scoped.field) ?? 'organisationId';
      const producer = readScope(requirePrincipal(request).organisation).kind === 'producer';
      const problem: FilterProblem = producer && field === 'producerId' ? 'own-figures-only' : 'forbidden';
      return {
        ok: false,
        status: 403,
        form: { entered: parsed.entered, problems: new Map([[field, problem]]), unknown: [] },
      };
    }
    return { ok: true, query: parsed.query, request: scoped.request };
  }

  private async load(request: StatisticsRequest): Promise<Loaded> {
    const years = Array.from({ length: COLLECTION_YEARS }, (_, index) => request.year - COLLECTION_YEARS + 1 + index);
    const [collection, recovery, report] = await Promise.all([
      Promise.all(years.map((year) => this.queryBus.execute(new GetCollectionRate({ ...request, year }, undefined)))),
      this.queryBus.execute(new GetRecoveryRates(request, undefined)),
      this.queryBus.execute(new GetReport(request, undefined)),
    ]);
    return { collection, recovery, report };
  }

  /**
   * A page of the facts of one or more measures, in the read model's order (measure, then position):
   * through each measure's facts with the statistics facts query, continuing into the next measure
   * while the page has room. The cursor is the API's (position, measure), so it names the measure to
   * resume in.
   */
  private async factsAcross(
    request: StatisticsRequest,
    selection: FactsSelection,
  ): Promise<{ items: FactItem[]; next: string | null; checkpoint: number }> {
    const { limit } = selection;
    const items: FactItem[] = [];
    let checkpoint = 0;
    const start = selection.cursor === null ? 0 : selection.measures.indexOf(selection.cursor.measure);
    const read = async (measure: Measure, after: FactsSelection['cursor'], count: number): Promise<FactsPage> => {
      const page = await this.queryBus.execute(
        new GetFacts({ ...request, measure, treatment: selection.treatment, after, limit: count }, undefined),
      );
      checkpoint = Math.max(checkpoint, page.basis.checkpoint);
      return page;
    };
    for (let index = start; index < selection.measures.length; index += 1) {
      const measure = selection.measures[index];
      if (measure === undefined) break;
      const after = index === start ? selection.cursor : null;
      const room = limit - items.length;
      if (room === 0) {
        // The page is full: a next page exists only if a fact follows in a later measure.
        const last = items.at(-1);
        const probe = await read(measure, null, 1);
        if (probe.items.length > 0 && last !== undefined) {
          return { items, next: encodeCursor(last.globalPosition, last.measure), checkpoint };
        }
        continue;
      }
      const page = await read(measure, after, room);
      items.push(...page.items);
      if (page.nextCursor !== null) return { items, next: page.nextCursor, checkpoint };
    }
    return { items, next: null, checkpoint };
  }

  /** The last full calendar year in the reporting time zone: the year a yearly report is made for. */
  private defaultYear(): number {
    const now = new Intl.DateTimeFormat('en', { timeZone: this.config.reportingTimeZone, year: 'numeric' }).format(
      new Date(),
    );
    return Number(now) - 1;
  }
}

/** `?lang=` when it names one of the pages' languages: kept on the page's own links. */
function langParameterOf(request: Request): Language | null {
  const asked = request.query['lang'];
  return isLanguage(asked) ? asked : null;
}

function treatmentOf(selection: FactsSelection | null): { treatment?: NonNullable<FactsSelection['treatment']> } {
  return selection?.treatment == null ? {} : { treatment: selection.treatment };
}

function figuresOf(loaded: Loaded, context: TableContext): DashboardFigures {
  const { collection, recovery, report } = loaded;
  const nothingCollectedOrPlaced = collection.every(
    (document) => document.collected.facts === 0 && document.placedOnMarket.every((year) => year.facts === 0),
  );
  const { totals } = report;
  const nothingReported = [
    totals.placedOnMarket,
    totals.collected,
    totals.preparedForReuse,
    totals.recycled,
    totals.energyRecovery,
    totals.treatedSameCountry,
    totals.treatedOtherEu,
    totals.treatedOutsideEu,
    totals.reuse,
  ].every((quantity) => quantity.facts === 0);
  const checkpoints = [...collection, recovery, report].map((document) => document.basis.checkpoint);
  return {
    context,
    collection: collectionTable(collection, context),
    collectionPoints: collection.map((document) => ({
      year: document.year,
      rate: document.rate?.percent ?? null,
      target: document.target?.percent ?? null,
    })),
    recovery: recoveryTable(recovery, context),
    recoveryPoints: recovery.categories.flatMap((entry) =>
      entry.rates.map((line) => ({
        category: entry.category,
        series: line.kind === 'recovery' ? ('recovery' as const) : ('second' as const),
        rate: line.rate?.percent ?? null,
        target: line.target,
      })),
    ),
    recoveryTargets: recovery.categories.some((entry) => entry.rates.some((line) => line.target !== null)),
    report: reportTable(report, context),
    empty: nothingCollectedOrPlaced && nothingReported,
    // Each document is its own snapshot: the figures shown include at least everything up to the lowest.
    checkpoint: Math.min(...checkpoints),
    queryString: filtersQueryString(context),
  };
}

/** The filters other than the year, as the facts page states them. */
function describeFilters(language: Language, query: StatisticsFilterQuery): string {
  const words = DASHBOARD_STRINGS[language];
  const parts: string[] = [];
  if (query.country !== undefined) parts.push(`${words.filters.labels.country}: ${query.country}`);
  if (query.category !== undefined)
    parts.push(`${words.filters.labels.category}: ${query.category} ${STRINGS[language].weeeCategory[query.category]}`);
  if (query.market !== undefined) parts.push(`${words.filters.labels.market}: ${words.market[query.market]}`);
  if (query.producerId !== undefined) parts.push(`${words.filters.labels.producerId}: ${query.producerId}`);
  if (query.organisationId !== undefined) parts.push(`${words.filters.labels.organisationId}: ${query.organisationId}`);
  return parts.join(' · ');
}

function sendCsv(response: Response, name: string, checkpoint: number, csv: string): void {
  response.setHeader(CHECKPOINT_HEADER, String(checkpoint));
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  response.type('text/csv; charset=utf-8').send(csv);
}

/** 400 as the statistics API answers it: VALIDATION_FAILED naming each parameter. */
function invalidParameters(invalid: readonly string[], unknown: readonly string[]): ApiError {
  return new ApiError(400, 'VALIDATION_FAILED', 'The request is invalid', [
    ...invalid.map((field) => ({ field, code: 'INVALID_VALUE', message: `${field} is not a valid value` })),
    ...unknown.map((field) => ({ field, code: 'UNKNOWN_FIELD', message: `property ${field} should not exist` })),
  ]);
}

function refusal(resolved: Extract<Resolved, { ok: false }>): ApiError {
  const field = FILTER_FIELDS.find((name) => {
    const problem = resolved.form.problems.get(name);
    return problem === 'forbidden' || problem === 'own-figures-only';
  });
  if (field === undefined) return invalidParameters([...resolved.form.problems.keys()], resolved.form.unknown);
  return forbidden('statistics:read', problemSentence('en', field, resolved.form), field);
}
