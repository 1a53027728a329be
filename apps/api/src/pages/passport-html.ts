/**
 * The passport page and the page for a device Kierto does not know, as small functions of the public
 * view: no template engine, every value through `markup` (escaped), every word from the language's
 * table (i18n.ts). No script: the page is complete as served, and the language switch is links.
 */
import {
  isDeviceEventType,
  type LifecycleStatus,
  type Market,
  type OutputFate,
  type PartCondition,
  type RepairabilityClass,
  type RepairBarrier,
  type RepairOutcome,
  type SanitisationMethod,
  type WeeeCategory,
} from '#kierto/domain';
import { Html, markup } from './html.js';
import { LANGUAGES, STRINGS, type Language, type PageStrings } from './i18n.js';
import { PAGE_CSS } from './page-style.js';
import { passportPathOf, publicLinkOf } from './public-links.js';
import { wipeStatusOf, type WipeInput, type WipeStatus } from './wipe-status.js';

/**
 * What the page reads of a passport: the public view's fields it shows, with every field that may be
 * unknown nullable (ADR 0016: a history may start at a collection that knew little of the device). The
 * public view of a passport is one (passport-page.ts passes it, so the compiler checks that).
 */
export interface PagePassport {
  readonly deviceId: string;
  readonly updatedAt: string;
  readonly identity: {
    readonly manufacturer: string | null;
    readonly brand: string | null;
    readonly model: string | null;
    readonly gtin: string | null;
    readonly serialNumber: string | null;
  };
  readonly product: {
    readonly weeeCategory: WeeeCategory;
    readonly weightKg: number | null;
    readonly yearOfManufacture: number | null;
    readonly warrantyMonths: number | null;
  };
  readonly status: { readonly lifecycle: LifecycleStatus; readonly since: string };
  readonly lives: number;
  readonly placedOnMarket: { readonly country: string; readonly market: Market; readonly occurredAt: string } | null;
  readonly repair: {
    readonly information: {
      readonly repairManualUrl: string | null;
      readonly sparePartsAvailableUntil: string | null;
      readonly repairabilityClass: RepairabilityClass | null;
    };
    readonly history: readonly {
      readonly occurredAt: string;
      readonly problem: string;
      readonly actions: readonly string[];
      readonly partsReplaced: readonly { readonly name: string; readonly condition: PartCondition }[];
      readonly outcome: RepairOutcome;
      readonly barrier: RepairBarrier | null;
    }[];
  };
  readonly dataSanitisation: {
    readonly dataBearing: boolean | null;
    readonly records: readonly (WipeInput['dataSanitisation']['records'][number] & {
      readonly standard: string;
      readonly method: SanitisationMethod;
    })[];
  };
  readonly history: WipeInput['history'];
  readonly materials: {
    readonly materials: readonly {
      readonly name: string;
      readonly massKg: number;
      readonly criticalRawMaterial: boolean;
      readonly recycledContentPercent: number | null;
    }[];
    readonly criticalRawMaterialsKg: number;
    readonly recycledContentKg: number;
    readonly hazardousSubstances: readonly {
      readonly name: string;
      readonly casNumber: string | null;
      readonly massKg: number | null;
      readonly location: string | null;
    }[];
  };
  readonly carbonFootprint: { readonly manufacturingKgCo2e: number | null };
  readonly endOfLife: {
    readonly recycling: {
      readonly occurredAt: string;
      readonly treatmentCountry: string;
      readonly outputs: readonly { readonly material: string; readonly massKg: number; readonly fate: OutputFate }[];
    } | null;
  };
}

export interface PageSettings {
  /** KIERTO_PUBLIC_URL, for links the page gives (the QR code); null: links relative to this host. */
  readonly publicUrl: string | null;
  /** The time zone dates are shown in (the deployment's reporting time zone). */
  readonly timeZone: string;
}

/** Formats dates, numbers and countries in the page's language. */
interface Formats {
  readonly t: PageStrings;
  date(instant: string): string;
  /** A calendar date `YYYY-MM-DD` as given (no time zone shift). */
  day(isoDate: string): string;
  kg(value: number): string;
  country(code: string): string;
}

function formatsOf(language: Language, timeZone: string): Formats {
  const t = STRINGS[language];
  const dateFormat = new Intl.DateTimeFormat(t.locale, { dateStyle: 'long', timeZone });
  const dayFormat = new Intl.DateTimeFormat(t.locale, { dateStyle: 'long', timeZone: 'UTC' });
  const number = new Intl.NumberFormat(t.locale, { maximumFractionDigits: 3 });
  const regions = new Intl.DisplayNames([t.locale], { type: 'region' });
  const parsed = (value: string, format: Intl.DateTimeFormat): string => {
    const time = Date.parse(value);
    return Number.isNaN(time) ? value : format.format(time);
  };
  return {
    t,
    date: (instant) => parsed(instant, dateFormat),
    day: (isoDate) => parsed(isoDate, dayFormat),
    kg: (value) => `${number.format(value)}\u00a0kg`,
    country: (code) => {
      try {
        return regions.of(code) ?? code;
      } catch {
        return code;
      }
    },
  };
}

/** The whole document around a page's main content. */
function layout(language: Language, title: string, main: Html, footer: Html | null): string {
  const t = STRINGS[language];
  const current = (other: Language): Html | string => (other === language ? markup` aria-current="page"` : '');
  const switchLinks = LANGUAGES.map(
    (other) =>
      markup`<li><a href="?lang=${other}" hreflang="${other}" lang="${other}"${current(other)}>${STRINGS[other].languageName}</a></li>`,
  );
  return markup`<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${title}</title>
<style>${rawCss()}</style>
</head>
<body>
<header><span>Kierto</span><nav aria-label="${t.languageSwitch}"><ul>${switchLinks}</ul></nav></header>
<main>
${main}
</main>
${footer === null ? '' : markup`<footer>${footer}</footer>`}
</body>
</html>
`.markup;
}

/**
 * The stylesheet as markup: our own constant, not data, and the CSP hash covers exactly these bytes,
 * so it must not pass through the escaper (which would change its quotes). It holds no `<`.
 */
function rawCss(): Html {
  return Html.trusted(PAGE_CSS);
}

/** The passport page of a device: the public view, in one language. */
export function renderPassportPage(passport: PagePassport, language: Language, settings: PageSettings): string {
  const f = formatsOf(language, settings.timeZone);
  const { t } = f;
  const name = displayName(passport);
  const status = t.statusSince(t.lifecycle[passport.status.lifecycle], f.date(passport.status.since));
  const main = markup`<h1><small>${t.passport}</small>${name}</h1>
<p class="status ${passport.status.lifecycle}">${status}</p>
${wipeParagraph(wipeStatusOf(passport), f)}
${productSection(passport, f)}
${statusSection(passport, f)}
${dataSection(passport, f)}
${repairSection(passport, f)}
${materialsSection(passport, f)}
${carbonSection(passport, f)}
${recyclingSection(passport, f)}
${historySection(passport, f)}`;
  const qr = publicLinkOf(settings.publicUrl, `${passportPathOf(passport.deviceId)}/qr.svg`);
  const footer = markup`<p>${t.updated(f.date(passport.updatedAt))} · <a href="${qr}">${t.qrCode}</a></p>`;
  return layout(language, `${name} – ${t.passport} – Kierto`, main, footer);
}

/** The page for an id or Digital Link Kierto has no passport for (answered with status 404). */
export function renderNotFoundPage(deviceId: string, language: Language): string {
  const t = STRINGS[language];
  const main = markup`<h1>${t.notFoundTitle}</h1>
<p>${t.notFound(deviceId)}</p>`;
  return layout(language, `${t.notFoundTitle} – Kierto`, main, null);
}

/** Brand and model, else whatever identifies the device (ADR 0016: either may be unknown). */
function displayName(passport: PagePassport): string {
  const { brand, model, manufacturer, serialNumber } = passport.identity;
  const named = [brand ?? manufacturer, model].filter((part) => part !== null).join(' ');
  return named !== '' ? named : (serialNumber ?? passport.deviceId);
}

/** A row for a value that may be unknown (then no row). */
function known(label: string, value: string | null): readonly [string, string] | null {
  return value === null ? null : [label, value];
}

function section(id: string, title: string, body: Html): Html {
  return markup`<section aria-labelledby="${id}"><h2 id="${id}">${title}</h2>
${body}</section>`;
}

function definitions(rows: readonly (readonly [string, string | Html] | null)[]): Html {
  return markup`<dl>${rows.map((row) => (row === null ? null : markup`<dt>${row[0]}</dt><dd>${row[1]}</dd>`))}</dl>`;
}

/** A date as the page shows it, with the instant for machines. */
function time(instant: string, f: Formats): Html {
  return markup`<time datetime="${instant}">${f.date(instant)}</time>`;
}

/** The sentence a buyer reads first: is the previous owner's data gone? */
function wipeParagraph(status: WipeStatus, f: Formats): Html {
  const { wipe } = f.t;
  const paragraph = (warn: boolean, text: string): Html => markup`<p class="wipe${warn ? ' warn' : ''}">${text}</p>`;
  switch (status.kind) {
    case 'no-storage':
      return paragraph(false, wipe.noStorage);
    case 'no-record':
      return paragraph(true, wipe.noRecord);
    case 'erased-since-handover':
      return paragraph(
        !status.verified,
        wipe.erasedSinceHandover(f.date(status.erasedOn), status.handover, status.verified),
      );
    case 'erased-before-sale':
      return paragraph(
        !status.verified,
        wipe.erasedBeforeSale(f.date(status.erasedOn), f.date(status.soldOn), status.verified),
      );
    case 'not-erased-since':
      return paragraph(true, wipe.notErasedSince(status.handover, f.date(status.since)));
  }
}

function productSection(passport: PagePassport, f: Formats): Html {
  const { t } = f;
  const { identity, product } = passport;
  return section(
    'product',
    t.sections.product,
    definitions([
      known(t.fields.manufacturer, identity.manufacturer),
      known(t.fields.brand, identity.brand),
      known(t.fields.model, identity.model),
      known(t.fields.gtin, identity.gtin),
      known(t.fields.serialNumber, identity.serialNumber),
      [t.fields.category, t.weeeCategory[product.weeeCategory]],
      known(t.fields.weight, product.weightKg === null ? null : f.kg(product.weightKg)),
      known(t.fields.yearOfManufacture, product.yearOfManufacture === null ? null : String(product.yearOfManufacture)),
      known(t.fields.warranty, product.warrantyMonths === null ? null : t.warrantyMonths(product.warrantyMonths)),
      [t.fields.deviceId, passport.deviceId],
    ]),
  );
}

function statusSection(passport: PagePassport, f: Formats): Html {
  const { t } = f;
  const placed = passport.placedOnMarket;
  return section(
    'status',
    t.sections.status,
    definitions([
      [t.fields.lives, t.lives(passport.lives)],
      known(
        t.fields.placedOnMarket,
        placed === null
          ? null
          : t.placed(f.country(placed.country), t.market[placed.market], f.date(placed.occurredAt)),
      ),
    ]),
  );
}

function dataSection(passport: PagePassport, f: Formats): Html {
  const { t } = f;
  const records = passport.dataSanitisation.records;
  const erasure = (record: PagePassport['dataSanitisation']['records'][number]): Html =>
    markup`<li>${time(record.occurredAt, f)}: ${t.wipe.method[record.method]}, ${record.standard}${
      record.result === 'failed' ? ` – ${t.wipe.failed}` : ''
    }</li>`;
  const list = records.length === 0 ? markup`` : markup`<h3>${t.wipe.erasures}</h3><ul>${records.map(erasure)}</ul>`;
  return section('data', t.sections.data, list);
}

function repairSection(passport: PagePassport, f: Formats): Html {
  const { t } = f;
  const { information, history } = passport.repair;
  const manual = information.repairManualUrl === null ? null : httpUrlOrNull(information.repairManualUrl);
  const info = [
    information.repairabilityClass === null
      ? null
      : markup`<li>${t.repairabilityClass(information.repairabilityClass)}</li>`,
    manual === null ? null : markup`<li><a href="${manual}">${t.repairManual}</a></li>`,
    information.sparePartsAvailableUntil === null
      ? null
      : markup`<li>${t.sparePartsUntil(f.day(information.sparePartsAvailableUntil))}</li>`,
  ].filter((item) => item !== null);
  const repair = (entry: PagePassport['repair']['history'][number]): Html => {
    const barrier = entry.barrier === null ? '' : ` (${t.repairBarrier[entry.barrier]})`;
    const actions = entry.actions.length === 0 ? '' : ` – ${entry.actions.join('; ')}`;
    const parts =
      entry.partsReplaced.length === 0
        ? ''
        : `. ${t.partsReplaced}: ${entry.partsReplaced.map((part) => `${part.name} (${t.partCondition[part.condition]})`).join(', ')}`;
    return markup`<li>${time(entry.occurredAt, f)}: ${t.repairOutcome[entry.outcome]}${barrier}. ${entry.problem}${actions}${parts}</li>`;
  };
  const repairs = history.length === 0 ? markup`<p>${t.noRepairs}</p>` : markup`<ul>${history.map(repair)}</ul>`;
  const given = info.length === 0 ? markup`<p>${t.noRepairInformation}</p>` : markup`<ul>${info}</ul>`;
  return section('repair', t.sections.repair, markup`${given}<h3>${t.repairs}</h3>${repairs}`);
}

function materialsSection(passport: PagePassport, f: Formats): Html {
  const { t } = f;
  const { materials, hazardousSubstances, criticalRawMaterialsKg, recycledContentKg } = passport.materials;
  if (materials.length === 0 && hazardousSubstances.length === 0) {
    return section('materials', t.sections.materials, markup`<p>${t.noMaterials}</p>`);
  }
  const h = t.materialHeaders;
  const row = (material: PagePassport['materials']['materials'][number]): Html => {
    const recycled = material.recycledContentPercent === null ? '' : `${material.recycledContentPercent}\u00a0%`;
    return markup`<tr><td>${material.name}</td><td class="n">${f.kg(material.massKg)}</td><td class="n">${recycled}</td><td>${
      material.criticalRawMaterial ? t.yes : t.no
    }</td></tr>`;
  };
  const table = markup`<table><thead><tr><th scope="col">${h.material}</th><th scope="col" class="n">${h.mass}</th><th scope="col" class="n">${h.recycledContent}</th><th scope="col">${h.critical}</th></tr></thead><tbody>${materials.map(row)}</tbody></table>
<p>${t.criticalRawMaterials(f.kg(criticalRawMaterialsKg))}. ${t.recycledContent(f.kg(recycledContentKg))}.</p>`;
  const substance = (item: PagePassport['materials']['hazardousSubstances'][number]): Html =>
    markup`<li>${[
      item.name + (item.casNumber === null ? '' : ` (CAS ${item.casNumber})`),
      item.massKg === null ? null : f.kg(item.massKg),
      item.location,
    ]
      .filter((part) => part !== null)
      .join(', ')}</li>`;
  const hazardous =
    hazardousSubstances.length === 0
      ? ''
      : markup`<h3>${t.hazardousSubstances}</h3><ul>${hazardousSubstances.map(substance)}</ul>`;
  return section('materials', t.sections.materials, markup`${table}${hazardous}`);
}

function carbonSection(passport: PagePassport, f: Formats): Html {
  const { t } = f;
  const kg = passport.carbonFootprint.manufacturingKgCo2e;
  const text = kg === null ? t.footprintNotDeclared : t.manufacturingFootprint(f.kg(kg));
  return section('carbon', t.sections.carbon, markup`<p>${text}</p>`);
}

function recyclingSection(passport: PagePassport, f: Formats): Html | null {
  const { t } = f;
  const recycling = passport.endOfLife.recycling;
  if (recycling === null) return null;
  const output = (item: PagePassport['endOfLife']['recycling'] & object): Html[] =>
    item.outputs.map((out) => markup`<li>${out.material}: ${f.kg(out.massKg)}, ${t.outputFate[out.fate]}</li>`);
  return section(
    'recycling',
    t.sections.recycling,
    markup`<p>${t.recycledAt(f.date(recycling.occurredAt), f.country(recycling.treatmentCountry))}</p><ul>${output(recycling)}</ul>`,
  );
}

function historySection(passport: PagePassport, f: Formats): Html {
  const { t } = f;
  const entry = (item: PagePassport['history'][number]): Html =>
    markup`<li>${time(item.occurredAt, f)} ${isDeviceEventType(item.type) ? t.event[item.type] : item.type}</li>`;
  return section('history', t.sections.history, markup`<ol class="timeline">${passport.history.map(entry)}</ol>`);
}

/** Only http(s) links become hrefs: a stored `javascript:` URL must not become a link. */
function httpUrlOrNull(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}
