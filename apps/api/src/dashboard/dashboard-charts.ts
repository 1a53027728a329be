/**
 * The dashboard's charts, drawn on the server by Observable Plot into a linkedom document and sent
 * as inline SVG: they need no JavaScript in the browser. The table beside each chart has the same
 * numbers (and the links); the chart is an image with a name (`role="img"`, `aria-label`).
 *
 * Plot puts a `<style>` element into its SVG. The workspace's Content-Security-Policy allows one
 * stylesheet by its hash, so that element would be refused (a console error) and is removed; what it
 * set (block display, scaling) the SVG gets as attributes and from the workspace stylesheet's
 * `svg{max-width:100%;height:auto}`. No `style` attribute is left either (the CSP refuses those too).
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { Html, markup } from '../pages/html.js';

/** Colours with at least 3:1 contrast on white (WCAG 1.4.11 for graphics), told apart by the legend too. */
export const CHART_COLOURS = { primary: '#0a4fa8', secondary: '#1f7a5c', target: '#a3161a' } as const;

/** The subset of a DOM element this module touches (the project's TypeScript has no DOM library). */
interface ChartElement {
  readonly outerHTML: string;
  readonly tagName: string;
  readonly children: ArrayLike<ChartElement>;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  remove(): void;
  querySelectorAll(selector: string): ArrayLike<ChartElement>;
}

/** A fresh server-side document for one chart (linkedom documents are cheap, and keep no state between charts). */
function chartDocument(): unknown {
  // linkedom's types name DOM types this project's TypeScript does not have; the document is Plot's only.
  return (parseHTML('<!doctype html><html><body></body></html>') as unknown as { readonly document: unknown }).document;
}

/**
 * Plot draws into a fresh server-side document. Its return type is a DOM type this project cannot
 * name (no DOM library), so the element is passed on as unknown and read through ChartElement.
 */
function draw(options: Plot.PlotOptions): unknown {
  return Plot.plot({ ...options, document: chartDocument() as never });
}

/**
 * The chart's SVG as it may go into the page: no `<style>` element, no `style` or `class` attributes
 * (Plot's class only served its stylesheet), an image role with the accessible name, and the text
 * size Plot's stylesheet would have set. What linkedom serialises is Plot's drawing of numbers and
 * of this module's own tick labels (years, category numbers, `%`), no text from outside; the one such
 * text, the chart's name, is put in by `markup`, which escapes it.
 */
function pageSvg(rendered: unknown, name: string): Html {
  const svg = rendered as ChartElement;
  if (svg.tagName.toLowerCase() !== 'svg')
    throw new Error('Plot returned a figure, not a bare SVG: give no legend or title');
  for (const style of Array.from(svg.querySelectorAll('style'))) style.remove();
  for (const element of [svg, ...Array.from(svg.querySelectorAll('*'))]) {
    element.removeAttribute('style');
    element.removeAttribute('class');
    // Plot names its groups (`aria-label` on `g`), which ARIA does not allow on an element without a
    // role; inside an image, whose parts are presentational, they name nothing anyway.
    element.removeAttribute('aria-label');
    element.removeAttribute('aria-hidden');
  }
  svg.removeAttribute('aria-description');
  svg.setAttribute('font-size', '12');
  svg.setAttribute('focusable', 'false');
  const serialised = svg.outerHTML;
  if (!serialised.startsWith('<svg ')) throw new Error('Plot returned an SVG this module cannot name');
  // The name goes in through `markup`, which escapes it: linkedom's serialiser leaves `<` and `&` in
  // attribute values as they are, and the name is a sentence in the page's words.
  return markup`<svg role="img" aria-label="${name}" ${Html.trusted(serialised.slice('<svg '.length))}`;
}

export interface YearRate {
  readonly year: number;
  /** Full-precision percent, null when not computable. */
  readonly rate: number | null;
  readonly target: number | null;
}

/**
 * Collection rate per year (bars) and the target in force that year (a red tick across the bar).
 * Years without a rate show no bar; the table beside says why.
 */
export function collectionRateChart(points: readonly YearRate[], name: string, locale: string): Html {
  const bars = points.filter((point) => point.rate !== null);
  const targets = points.filter((point) => point.target !== null);
  const highest = Math.max(100, ...bars.map((point) => point.rate ?? 0));
  const svg = draw({
    width: 640,
    height: 260,
    marginLeft: 44,
    x: {
      type: 'band',
      domain: points.map((point) => point.year),
      label: null,
      tickFormat: (year: number) => String(year),
    },
    y: { domain: [0, highest], grid: true, label: '%', tickFormat: (value: number) => value.toLocaleString(locale) },
    marks: [
      Plot.barY(bars, { x: 'year', y: 'rate', fill: CHART_COLOURS.primary, insetLeft: 12, insetRight: 12 }),
      Plot.tickY(targets, { x: 'year', y: 'target', stroke: CHART_COLOURS.target, strokeWidth: 3 }),
      Plot.ruleY([0]),
    ],
  });
  return figure(pageSvg(svg, name), name);
}

export interface CategoryRates {
  readonly category: number;
  /** The rate's name as the legend says it. */
  readonly series: 'recovery' | 'second';
  readonly rate: number | null;
  readonly target: number | null;
}

/** Annex V rates per category: two bars (recovery, the category's second rate), each with its target tick. */
export function recoveryRatesChart(
  points: readonly CategoryRates[],
  name: string,
  legend: Readonly<Record<CategoryRates['series'], string>>,
  targetLegend: string,
  locale: string,
): Html {
  const categories = [...new Set(points.map((point) => point.category))];
  const svg = draw({
    width: 640,
    height: 260,
    marginLeft: 44,
    fx: { domain: categories, label: null, tickFormat: (category: number) => String(category) },
    x: { domain: ['recovery', 'second'], axis: null },
    y: { domain: [0, 100], grid: true, label: '%', tickFormat: (value: number) => value.toLocaleString(locale) },
    color: { domain: ['recovery', 'second'], range: [CHART_COLOURS.primary, CHART_COLOURS.secondary] },
    marks: [
      Plot.barY(
        points.filter((point) => point.rate !== null),
        { fx: 'category', x: 'series', y: 'rate', fill: 'series', insetLeft: 2, insetRight: 2 },
      ),
      Plot.tickY(
        points.filter((point) => point.target !== null),
        { fx: 'category', x: 'series', y: 'target', stroke: CHART_COLOURS.target, strokeWidth: 3 },
      ),
      Plot.ruleY([0]),
    ],
  });
  const key = markup`<ul class="legend">${[
    swatch(CHART_COLOURS.primary, legend.recovery),
    swatch(CHART_COLOURS.secondary, legend.second),
    swatch(CHART_COLOURS.target, targetLegend),
  ]}</ul>`;
  return figure(markup`${pageSvg(svg, name)}${key}`, name);
}

/** A legend entry: a small square of the colour drawn as SVG (attributes only, nothing the CSP refuses). */
function swatch(colour: string, text: string): Html {
  return markup`<li><svg width="12" height="12" aria-hidden="true" focusable="false"><rect width="12" height="12" fill="${colour}"/></svg> ${text}</li>`;
}

function figure(content: Html, caption: string): Html {
  return markup`<figure>${content}<figcaption>${caption}</figcaption></figure>`;
}
