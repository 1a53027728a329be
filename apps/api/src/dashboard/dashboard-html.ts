/**
 * The dashboard's and the facts page's `main`, built with the escaping `markup` templates; the
 * workspace frame (pages/workspace.ts) puts them in the document. Everything works without
 * JavaScript: the filters are a GET form, the charts server-drawn SVG, every figure a plain link.
 */
import type { FactItem } from '#kierto/projections';
import { markup, type Html } from '../pages/html.js';
import { STRINGS, type Language } from '../pages/i18n.js';
import { collectionRateChart, recoveryRatesChart, type CategoryRates, type YearRate } from './dashboard-charts.js';
import {
  FILTER_FIELDS,
  type EnteredFilters,
  type FactsParameter,
  type FactsSelection,
  type FilterField,
} from './dashboard-filters.js';
import { DASHBOARD_STRINGS, type FilterProblem } from './dashboard-i18n.js';
import { NumberFormats, type DashboardTable, type TableCell, type TableContext } from './dashboard-tables.js';

/** Whose figures the page shows, as the data rule decides (libs/access readScope). */
export type Scope =
  | { readonly kind: 'all' }
  | { readonly kind: 'organisation'; readonly organisationId: string }
  | { readonly kind: 'producer'; readonly producerId: string };

export interface FormState {
  readonly entered: EnteredFilters;
  /** Each refused field and why: malformed (400) or someone else's figures (403). */
  readonly problems: ReadonlyMap<FilterField, FilterProblem>;
  readonly unknown: readonly string[];
}

export interface DashboardFigures {
  readonly context: TableContext;
  readonly collection: DashboardTable;
  readonly collectionPoints: readonly YearRate[];
  readonly recovery: DashboardTable;
  readonly recoveryPoints: readonly CategoryRates[];
  /** Annex V targets apply to the year as a whole (2019 on). */
  readonly recoveryTargets: boolean;
  readonly report: DashboardTable;
  /** Nothing at all counts under the filters: no placing, collection or treatment in any year shown. */
  readonly empty: boolean;
  readonly checkpoint: number;
  /** The dashboard's filters as a query string, for the CSV links. */
  readonly queryString: string;
}

export function renderDashboardMain(
  language: Language,
  scope: Scope,
  form: FormState,
  langParameter: Language | null,
  figures: DashboardFigures | null,
): Html {
  const words = DASHBOARD_STRINGS[language];
  const intro =
    scope.kind === 'organisation'
      ? words.intro.organisation(scope.organisationId)
      : scope.kind === 'producer'
        ? words.intro.producer(scope.producerId)
        : words.intro.all;
  return markup`<h1>${words.title}</h1>
<p>${intro}</p>
${problemSummary(language, scope, form)}
${filterForm(language, scope, form, langParameter)}
${figures === null ? '' : figuresOf(language, figures)}`;
}

/** The filters the form has for a scope: a producer has no member filter, only auditors and admins an organisation one. */
function formFields(scope: Scope): readonly FilterField[] {
  return FILTER_FIELDS.filter(
    (field) =>
      (field !== 'producerId' || scope.kind !== 'producer') && (field !== 'organisationId' || scope.kind === 'all'),
  );
}

function problemSummary(language: Language, scope: Scope, form: FormState): Html | string {
  if (form.problems.size === 0 && form.unknown.length === 0) return '';
  const words = DASHBOARD_STRINGS[language].filters;
  const shown = formFields(scope);
  const items = [
    ...FILTER_FIELDS.filter((field) => form.problems.has(field)).map((field) => {
      const sentence = `${words.labels[field]}: ${problemText(language, field, form)}`;
      // A parameter the form has no field for (typed into the address) is named, not linked.
      return shown.includes(field)
        ? markup`<li><a href="#filter-${field}">${sentence}</a></li>`
        : markup`<li>${sentence}</li>`;
    }),
    ...(form.unknown.length === 0 ? [] : [markup`<li>${words.unknown(form.unknown.join(', '))}</li>`]),
  ];
  return markup`<div class="notice error" role="alert" id="problems"><p>${words.summary}</p><ul>${items}</ul></div>`;
}

/** The sentence for a refused field: what is wrong with it, or whose figures it asks for. */
export function problemText(language: Language, field: FilterField, form: FormState): string {
  const words = DASHBOARD_STRINGS[language].filters;
  const problem = form.problems.get(field);
  if (problem === 'own-figures-only') return words.ownFiguresOnly;
  if (problem === 'forbidden' && (field === 'producerId' || field === 'organisationId')) return words.forbidden[field];
  return words.problems[field];
}

function filterForm(language: Language, scope: Scope, form: FormState, langParameter: Language | null): Html {
  const words = DASHBOARD_STRINGS[language].filters;
  const categories = STRINGS[language].weeeCategory;
  const field = (name: FilterField, control: (attributes: Html) => Html): Html => {
    const problem = form.problems.has(name);
    const hint = words.hints[name];
    const described = [hint === undefined ? null : `filter-${name}-hint`, problem ? `filter-${name}-error` : null]
      .filter((id) => id !== null)
      .join(' ');
    const attributes = markup` id="filter-${name}" name="${name}"${problem ? markup` aria-invalid="true"` : ''}${
      described === '' ? '' : markup` aria-describedby="${described}"`
    }`;
    return markup`<div><label for="filter-${name}">${words.labels[name]}${
      hint === undefined ? '' : markup` <span class="hint" id="filter-${name}-hint">${hint}</span>`
    }</label>${problem ? markup`<p class="error" id="filter-${name}-error">${problemText(language, name, form)}</p>` : ''}${control(attributes)}</div>`;
  };
  const option = (value: string, text: string, selected: string): Html =>
    markup`<option value="${value}"${value === selected ? markup` selected` : ''}>${text}</option>`;
  const fields: Html[] = [
    field(
      'year',
      (attributes) => markup`<input${attributes} inputmode="numeric" value="${form.entered.year}" required>`,
    ),
    field(
      'country',
      (attributes) => markup`<input${attributes} value="${form.entered.country}" maxlength="2" autocomplete="off">`,
    ),
    field(
      'category',
      (attributes) =>
        markup`<select${attributes}>${option('', words.any, form.entered.category)}${([1, 2, 3, 4, 5, 6] as const).map(
          (category) => option(String(category), `${category} ${categories[category]}`, form.entered.category),
        )}</select>`,
    ),
    field(
      'market',
      (attributes) =>
        markup`<select${attributes}>${option('', words.any, form.entered.market)}${option(
          'household',
          DASHBOARD_STRINGS[language].market.household,
          form.entered.market,
        )}${option('non-household', DASHBOARD_STRINGS[language].market['non-household'], form.entered.market)}</select>`,
    ),
    // A producer reads only its own figures: the member filter is for organisations and auditors.
    ...(scope.kind === 'producer'
      ? []
      : [
          field(
            'producerId',
            (attributes) => markup`<input${attributes} value="${form.entered.producerId}" autocomplete="off">`,
          ),
        ]),
    ...(scope.kind === 'all'
      ? [
          field(
            'organisationId',
            (attributes) => markup`<input${attributes} value="${form.entered.organisationId}" autocomplete="off">`,
          ),
        ]
      : []),
  ];
  return markup`<form method="get" action="/dashboard" class="filters"><fieldset><legend>${words.legend}</legend>${fields}</fieldset>${
    langParameter === null ? '' : markup`<input type="hidden" name="lang" value="${langParameter}">`
  }<p><button type="submit">${words.show}</button> <a href="/dashboard${langParameter === null ? '' : `?lang=${langParameter}`}">${words.reset}</a></p></form>`;
}

function figuresOf(language: Language, figures: DashboardFigures): Html {
  const words = DASHBOARD_STRINGS[language];
  if (figures.empty) return markup`<p class="notice" id="empty">${words.empty}</p>`;
  const first = figures.collectionPoints[0]?.year ?? figures.context.query.year;
  const last = figures.collectionPoints.at(-1)?.year ?? figures.context.query.year;
  const locale = STRINGS[language].locale;
  const csv = (table: DashboardTable): Html =>
    markup`<p><a href="/dashboard/${table.id}.csv?${figures.queryString}" download>${words.csv(table.caption)}</a></p>`;
  const recoveryLegend = {
    recovery: words.recovery.rateKind.recovery,
    second: words.recovery.secondRatePercent,
  };
  return markup`<section aria-labelledby="collection-heading"><h2 id="collection-heading">${words.collection.heading}</h2>
<p>${words.collection.explanation}</p>
${collectionRateChart(figures.collectionPoints, words.collection.chart(first, last), locale)}
${renderTable(figures.collection, language)}
${csv(figures.collection)}
</section>
<section aria-labelledby="recovery-heading"><h2 id="recovery-heading">${words.recovery.heading}</h2>
<p>${words.recovery.explanation}</p>
${figures.recoveryTargets ? '' : markup`<p class="notice">${words.recovery.noTargets(figures.context.query.year)}</p>`}
${recoveryRatesChart(figures.recoveryPoints, words.recovery.chart(figures.context.query.year), recoveryLegend, words.collection.target, locale)}
${renderTable(figures.recovery, language)}
${csv(figures.recovery)}
</section>
<section aria-labelledby="report-heading"><h2 id="report-heading">${words.report.heading} ${figures.context.query.year}</h2>
<p>${words.report.explanation}</p>
${renderTable(figures.report, language)}
${csv(figures.report)}
</section>
<p class="hint">${words.checkpoint(figures.checkpoint)}</p>`;
}

/**
 * A cell's text, and its value as the CSV holds it in a `<data value>` (a program reading the page
 * gets the document's figure, not the localised text); a cell without a value has no `<data>`.
 */
function cellContent(cell: TableCell): Html {
  const shown =
    cell.value === null ? markup`${cell.text}` : markup`<data value="${String(cell.value)}">${cell.text}</data>`;
  const linked = cell.href === null ? shown : markup`<a href="${cell.href}">${shown}</a>`;
  return cell.note === null ? linked : markup`${linked} <span class="hint">(${cell.note})</span>`;
}

/** A table with its caption, column headers and row headers; number columns right-aligned. */
export function renderTable(table: DashboardTable, _language: Language): Html {
  const head = table.columns.map(
    (column) => markup`<th scope="col"${column.numeric ? markup` class="n"` : ''}>${column.label}</th>`,
  );
  const rows = table.rows.map((row) => {
    const cells = row.map((cell, index) => {
      const numeric = table.columns[index]?.numeric ?? false;
      const content = cellContent(cell);
      if (index === 0) return markup`<th scope="row">${content}</th>`;
      return markup`<td${numeric ? markup` class="n"` : ''}>${content}</td>`;
    });
    return markup`<tr>${cells}</tr>`;
  });
  return markup`<div class="scroll"><table class="figures" id="table-${table.id}"><caption>${table.caption}</caption><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

export interface FactsView {
  readonly year: number;
  readonly selection: FactsSelection;
  readonly items: readonly FactItem[];
  /** The address of the next page, or null on the last. */
  readonly next: string | null;
  /** The first page's address, when this is a later one. */
  readonly first: string | null;
  readonly back: string;
  readonly csv: string;
  /** The filters as a sentence ("country FI, category 1 …"), empty for none. */
  readonly filters: string;
  /** Times are shown in the reporting time zone, the calendar the figures' years are of. */
  readonly timeZone: string;
}

export function renderFactsMain(language: Language, view: FactsView): Html {
  const words = DASHBOARD_STRINGS[language];
  const t = words.facts;
  const page = STRINGS[language];
  const formats = new NumberFormats(page.locale);
  const dates = new Intl.DateTimeFormat(page.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: view.timeZone,
  });
  const what = t.of(view.selection.measures.map((measure) => t.measure[measure]).join(' + '), view.year);
  const heading = t.heading(what);
  const rows = view.items.map(
    (fact) =>
      markup`<tr><td class="n">${fact.globalPosition}</td><td><time datetime="${fact.occurredAt}">${dates.format(new Date(fact.occurredAt))}</time></td><td><a href="/passports/${encodeURIComponent(fact.deviceId)}">${fact.deviceId}</a></td><td>${t.measure[fact.measure]}</td><td>${fact.category}</td><td>${words.market[fact.market]}</td><td>${fact.country}</td><td>${fact.producerId ?? '–'}</td><td>${fact.organisationId ?? '–'}</td><td>${fact.treatment ?? '–'}</td><td class="n"><data value="${fact.kg}">${formats.kg(fact.kg)}</data></td><td class="n">${fact.units}</td></tr>`,
  );
  const table =
    view.items.length === 0
      ? markup`<p class="notice" id="no-facts">${t.none}</p>`
      : markup`<div class="scroll"><table class="figures" id="facts"><caption>${heading}</caption><thead><tr><th scope="col" class="n">${t.position}</th><th scope="col">${t.occurredAt}</th><th scope="col">${t.device}</th><th scope="col">${t.measureColumn}</th><th scope="col">${t.category}</th><th scope="col">${t.market}</th><th scope="col">${t.country}</th><th scope="col">${t.producer}</th><th scope="col">${t.organisation}</th><th scope="col">${t.treatment}</th><th scope="col" class="n">${t.kg}</th><th scope="col" class="n">${t.units}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
  const pages = [
    view.first === null ? null : markup`<a href="${view.first}">${t.first}</a>`,
    view.next === null ? null : markup`<a href="${view.next}" rel="next">${t.next}</a>`,
  ].filter((link) => link !== null);
  return markup`<h1>${heading}</h1>
${view.filters === '' ? '' : markup`<p>${view.filters}</p>`}
<p><a href="${view.back}">${t.back}</a></p>
${table}
<p>${t.count(view.items.length, view.next !== null)}</p>
${pages.length === 0 ? '' : markup`<nav aria-label="${t.next}"><ul>${pages.map((link) => markup`<li>${link}</li>`)}</ul></nav>`}
${view.items.length === 0 ? '' : markup`<p><a href="${view.csv}" download>${words.csv(heading)}</a></p>`}`;
}

const isFilterField = (name: string): name is FilterField => (FILTER_FIELDS as readonly string[]).includes(name);

/** What is wrong with a facts page's address, one sentence per parameter. */
export function factsProblems(
  language: Language,
  invalid: readonly (FilterField | FactsParameter)[],
  unknown: readonly string[],
): string[] {
  const words = DASHBOARD_STRINGS[language];
  return [
    ...invalid.map(
      (name) => `${name}: ${isFilterField(name) ? words.filters.problems[name] : words.facts.parameterProblems[name]}`,
    ),
    ...(unknown.length === 0 ? [] : [words.filters.unknown(unknown.join(', '))]),
  ];
}

/** The facts page's answer to a bad or refused address: what is wrong, and the way back. */
export function renderFactsProblem(language: Language, messages: readonly string[], back: string): Html {
  const words = DASHBOARD_STRINGS[language];
  return markup`<h1>${words.factsTitle}</h1><div class="notice error" role="alert"><p>${words.filters.summary}</p><ul>${messages.map(
    (message) => markup`<li>${message}</li>`,
  )}</ul></div><p><a href="${back}">${words.facts.back}</a></p>`;
}
