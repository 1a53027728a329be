/**
 * The auditor's pages as small functions of what the queries answered: the `main` of each page, put
 * in the workspace frame by the controller. Every value goes through `markup` (escaped); every word
 * comes from the language's tables (auditor-i18n.ts, and pages/i18n.ts for the words the passport
 * page already has). A verdict is said in words as well as in colour (WCAG 1.4.1).
 */
import type { ChainVerdict, CheckedDeviceEvent, CheckedDeviceHistory } from '#kierto/audit';
import { isDeviceEventType, isWellFormedDeviceId } from '#kierto/domain';
import type { Passport } from '#kierto/projections';
import { markup, type Html } from '../pages/html.js';
import { STRINGS, type Language, type PageStrings } from '../pages/i18n.js';
import { passportPathOf } from '../pages/public-links.js';
import { wipeStatusOf, type WipeStatus } from '../pages/wipe-status.js';
import { wallTimeText } from './as-of-time.js';
import { AUDITOR_STRINGS, type AuditorFieldProblem, type AuditorStrings } from './auditor-i18n.js';

/** Where the auditor's pages live; links are built from it. */
export const AUDITOR_PATH = '/auditor';
/** The served script that shows the slider's event while it moves (the page works without it). */
export const SLIDER_SCRIPT_PATH = `${AUDITOR_PATH}/as-of-slider.js`;

/** Device ids are path-safe as they are (identity.ts), so they are written as is, as passportPathOf does. */
export const devicePagePath = (deviceId: string): string => `${AUDITOR_PATH}/devices/${deviceId}`;
export const bundlePath = (deviceId: string): string => `${devicePagePath(deviceId)}/bundle`;

/** Dates, times and numbers in the page's language and the deployment's reporting time zone. */
export interface Formats {
  readonly language: Language;
  readonly t: PageStrings;
  readonly a: AuditorStrings;
  readonly timeZone: string;
  /** Date and time to the second: an auditor compares times. */
  dateTime(instant: string): string;
  count(value: number): string;
}

export function formatsOf(language: Language, timeZone: string): Formats {
  const t = STRINGS[language];
  const dateTime = new Intl.DateTimeFormat(t.locale, { dateStyle: 'medium', timeStyle: 'medium', timeZone });
  const number = new Intl.NumberFormat(t.locale);
  return {
    language,
    t,
    a: AUDITOR_STRINGS[language],
    timeZone,
    dateTime: (instant) => {
      const millis = Date.parse(instant);
      return Number.isNaN(millis) ? instant : dateTime.format(millis);
    },
    count: (value) => number.format(value),
  };
}

/** Field name → what is wrong with it. */
export type FieldErrors = ReadonlyMap<string, AuditorFieldProblem>;

function time(instant: string, f: Formats): Html {
  return markup`<time datetime="${instant}">${f.dateTime(instant)}</time>`;
}

function definitions(rows: readonly (readonly [string, string | Html] | null)[]): Html {
  return markup`<dl>${rows.map((row) => (row === null ? null : markup`<dt>${row[0]}</dt><dd>${row[1]}</dd>`))}</dl>`;
}

function section(id: string, title: string, body: Html): Html {
  return markup`<section aria-labelledby="${id}"><h2 id="${id}">${title}</h2>
${body}</section>`;
}

function eventName(type: string, f: Formats): string {
  return isDeviceEventType(type) ? f.t.event[type] : type;
}

/**
 * A text field with its label, hint and error: the error is named by aria-describedby and the field
 * marked aria-invalid, so a screen reader reads it with the field.
 */
function field(
  name: string,
  label: string,
  value: string,
  f: Formats,
  errors: FieldErrors,
  options: { readonly type?: string; readonly hint?: string; readonly step?: string } = {},
): Html {
  const problem = errors.get(name);
  const describedBy = [
    options.hint === undefined ? null : `${name}-hint`,
    problem === undefined ? null : `${name}-error`,
  ]
    .filter((id) => id !== null)
    .join(' ');
  return markup`<div><label for="${name}">${label}</label>${
    options.hint === undefined ? '' : markup`<span class="hint" id="${name}-hint">${options.hint}</span>`
  }${problem === undefined ? '' : markup`<p class="error" id="${name}-error">${f.a.errors.fields[problem]}</p>`}<input id="${name}" name="${name}" type="${options.type ?? 'text'}" value="${value}"${
    options.step === undefined ? '' : markup` step="${options.step}"`
  }${describedBy === '' ? '' : markup` aria-describedby="${describedBy}"`}${problem === undefined ? '' : markup` aria-invalid="true"`}></div>`;
}

function errorSummary(errors: FieldErrors, f: Formats): Html {
  return errors.size === 0
    ? markup``
    : markup`<p class="notice error" role="alert">${f.a.errors.badRequestTitle}: ${f.a.errors.fixFields}</p>`;
}

// ---------------------------------------------------------------------------------------------------
// /auditor

export interface OverviewInput {
  readonly verdict: ChainVerdict;
  /** When the verification ran (ISO 8601). */
  readonly checkedAt: string;
  /** The device of the event at the failing position, when the chain is broken and there is one. */
  readonly deviceAtFailure: string | null;
  /** The deployment's signing key id, which checkpoints and bundles name. */
  readonly keyId: string;
  readonly form: { readonly deviceId: string; readonly gtin: string; readonly serial: string };
  readonly errors: FieldErrors;
  /** A refusal to show above everything (a 404 or 409 answer), or null. */
  readonly problem: { readonly title: string; readonly message: string } | null;
}

export function renderOverview(input: OverviewInput, f: Formats): Html {
  const { a } = f;
  const problem =
    input.problem === null
      ? markup``
      : markup`<div class="notice error" role="alert"><p><strong>${input.problem.title}</strong></p><p>${input.problem.message}</p></div>`;
  return markup`<h1>${a.title}</h1>
${problem}
${errorSummary(input.errors, f)}
${section('chain', a.chain.heading, chainStatus(input, f))}
${section('open', a.open.heading, openForm(input, f))}
${section('bundle', a.bundle.heading, markup`<p>${a.bundle.explanation}</p>`)}
${section(
  'checkpoints',
  a.checkpoints.heading,
  markup`<p>${a.checkpoints.explanation}</p><ul><li><a href="${AUDITOR_PATH}/checkpoint" download>${a.checkpoints.sign}</a></li><li><a href="${AUDITOR_PATH}/signing-key.pub" download>${a.checkpoints.publicKey(input.keyId)}</a></li></ul>`,
)}`;
}

function chainStatus(input: OverviewInput, f: Formats): Html {
  const { a } = f;
  const { verdict } = input;
  const checked: readonly [string, Html] = [a.chain.checkedAt, time(input.checkedAt, f)];
  if (verdict.ok) {
    const summary = verdict.events === 0 ? a.chain.empty : a.chain.intact(f.count(verdict.events));
    return markup`<p class="notice ok" id="chain-verdict"><span class="verdict">✓ ${f.a.device.verified}</span> ${summary}</p>
${definitions([
  [a.chain.eventsVerified, f.count(verdict.events)],
  [a.chain.headPosition, f.count(verdict.position)],
  [a.chain.headHash, markup`<code>${verdict.headHash}</code>`],
  checked,
])}`;
  }
  // Only a device's stream gets a link: the event there may belong to another kind of stream.
  const device =
    input.deviceAtFailure === null || !isWellFormedDeviceId(input.deviceAtFailure)
      ? null
      : ([
          a.chain.eventThere,
          markup`<a href="${devicePagePath(input.deviceAtFailure)}">${input.deviceAtFailure}</a>`,
        ] as const);
  return markup`<p class="notice error" id="chain-verdict"><span class="verdict bad">✗ ${f.a.device.mismatch}</span> ${a.chain.broken(f.count(verdict.position))}</p>
${definitions([
  [a.chain.firstFailure, f.count(verdict.position)],
  [a.chain.reason, a.chain.reasons[verdict.reason]],
  [a.chain.verifiedUpTo, f.count(verdict.verifiedUpTo)],
  device,
  [a.chain.detail, markup`<code>${verdict.detail}</code>`],
  checked,
])}`;
}

function openForm(input: OverviewInput, f: Formats): Html {
  const { a } = f;
  return markup`<form class="stack" method="get" action="${AUDITOR_PATH}/device">
${field('deviceId', a.open.deviceId, input.form.deviceId, f, input.errors, { hint: a.open.deviceIdHint })}
<p>${a.open.or}</p>
${field('gtin', a.open.gtin, input.form.gtin, f, input.errors)}
${field('serial', a.open.serial, input.form.serial, f, input.errors)}
<div><button type="submit" name="open" value="timeline">${a.open.timeline}</button> <button type="submit" name="open" value="bundle">${a.open.bundle}</button></div>
</form>`;
}

// ---------------------------------------------------------------------------------------------------
// /auditor/devices/{id}

/** Which moment the passport is shown as of. */
export type AsOfChoice =
  | { readonly kind: 'now' }
  | { readonly kind: 'date'; readonly instant: number }
  | { readonly kind: 'event'; readonly index: number };

export interface DevicePageInput {
  readonly checked: CheckedDeviceHistory;
  /** What the device is called (brand and model, else its id). */
  readonly name: string;
  readonly asOf: AsOfChoice;
  /** The passport as of that moment; null when the device had no event by then. */
  readonly passport: Passport | null;
  /** The as-of field as typed, to refill it (also when it was refused). */
  readonly asOfText: string;
  readonly errors: FieldErrors;
}

export function renderDevicePage(input: DevicePageInput, f: Formats): Html {
  const { a } = f;
  const { checked } = input;
  const total = checked.events.length;
  const summary =
    checked.failures === 0
      ? markup`<p class="notice ok" id="device-verdict"><span class="verdict">✓ ${a.device.verified}</span> ${a.device.allVerified(total)}</p>`
      : markup`<p class="notice error" id="device-verdict"><span class="verdict bad">✗ ${a.device.mismatch}</span> ${a.device.someFailed(checked.failures, total)}</p>`;
  const links = markup`<ul>
<li><a href="${bundlePath(checked.deviceId)}" download>${a.bundle.download}</a></li>
<li><a href="${passportPathOf(checked.deviceId)}">${a.device.currentPage}</a></li>
<li><a href="/audit/devices/${checked.deviceId}/history">${a.device.auditJson}</a></li>
</ul>`;
  return markup`<h1><small>${a.device.heading}</small>${input.name}</h1>
<p><code>${checked.deviceId}</code></p>
${errorSummary(input.errors, f)}
${summary}
${section('events', a.device.timeline, markup`<ol class="timeline">${checked.events.map((event, index) => timelineEntry(event, index, f))}</ol>`)}
${section('as-of', a.asOf.heading, asOfSection(input, f))}
${section('links', a.device.links, links)}
<script src="${SLIDER_SCRIPT_PATH}" defer></script>`;
}

function timelineEntry({ event, check }: CheckedDeviceEvent, index: number, f: Formats): Html {
  const { a } = f;
  // The verdict is part of the heading, so that a screen reader moving by headings hears it too.
  const verdict = check.ok
    ? markup`<span class="verdict"><span aria-hidden="true">✓ </span>${a.device.verified}</span>`
    : markup`<span class="verdict bad"><span aria-hidden="true">✗ </span>${a.device.mismatch}</span>`;
  const why = check.ok ? '' : markup`<p class="error">${sentence(a.device.failures[check.reason])}</p>`;
  const { organisationId, role, keyId } = event.actor;
  return markup`<li class="${check.ok ? 'ok' : 'bad'}" id="event-${event.streamRevision}">${time(event.recordedAt, f)}
<h3>#${f.count(event.globalPosition)} ${eventName(event.type, f)} ${verdict}</h3>
${why}
${definitions([
  [a.device.revision, `r${event.streamRevision}`],
  [a.device.occurred, time(event.occurredAt, f)],
  [a.device.actor, a.device.actorValue(organisationId, role, keyId)],
  [a.device.hash, markup`<code>${event.hash}</code>`],
  [a.device.prevHash, markup`<code>${event.prevHash}</code>`],
])}
<p><a href="${devicePagePath(event.streamId)}?event=${index}#as-of">${a.device.passportAfter}</a></p></li>`;
}

/** A clause as a sentence: capital first letter, full stop. */
function sentence(clause: string): string {
  return `${clause.charAt(0).toUpperCase()}${clause.slice(1)}.`;
}

function asOfSection(input: DevicePageInput, f: Formats): Html {
  const { a } = f;
  const { checked, asOf } = input;
  const action = `${devicePagePath(checked.deviceId)}#as-of`;
  const last = checked.events.length - 1;
  const sliderIndex = asOf.kind === 'event' ? asOf.index : last;
  const options = checked.events.map(({ event }, index) => {
    const label = a.asOf.sliderValue(event.streamRevision, eventName(event.type, f), f.dateTime(event.recordedAt));
    return markup`<option value="${index}" label="${label}"></option>`;
  });
  const chosen = checked.events[sliderIndex]?.event;
  const sliderText =
    chosen === undefined
      ? ''
      : a.asOf.sliderValue(chosen.streamRevision, eventName(chosen.type, f), f.dateTime(chosen.recordedAt));
  const dateForm = markup`<form class="stack" method="get" action="${action}">
${field('asOf', a.asOf.dateLabel, input.asOfText, f, input.errors, { type: 'datetime-local', step: '1', hint: a.asOf.dateHint(f.timeZone) })}
<div><button type="submit">${a.asOf.show}</button></div>
</form>`;
  const problem = input.errors.get('event');
  const sliderForm = markup`<form class="stack" method="get" action="${action}">
<div><label for="event">${a.asOf.sliderLabel}</label>${
    problem === undefined ? '' : markup`<p class="error" id="event-error">${a.errors.fields[problem]}</p>`
  }<input id="event" name="event" type="range" min="0" max="${last}" step="1" value="${sliderIndex}" list="event-list" aria-describedby="event-value${problem === undefined ? '' : ' event-error'}" aria-valuetext="${sliderText}"${
    problem === undefined ? '' : markup` aria-invalid="true"`
  }><datalist id="event-list">${options}</datalist><output id="event-value" for="event">${sliderText}</output></div>
<div><button type="submit">${a.asOf.show}</button></div>
</form>`;
  return markup`<p>${a.asOf.explanation}</p>
${dateForm}
${sliderForm}
${asOfResult(input, f)}`;
}

function asOfResult(input: DevicePageInput, f: Formats): Html {
  const { a, t } = f;
  const { checked, asOf, passport } = input;
  let heading: string;
  let jsonQuery: string;
  if (asOf.kind === 'date') {
    const instant = new Date(asOf.instant).toISOString();
    heading = a.asOf.atDate(f.dateTime(instant));
    jsonQuery = `asOf=${encodeURIComponent(instant)}`;
  } else if (asOf.kind === 'event') {
    const event = checked.events[asOf.index]?.event;
    heading = event === undefined ? a.asOf.now : a.asOf.afterEvent(event.streamRevision, eventName(event.type, f));
    jsonQuery = `position=${event?.globalPosition ?? 0}`;
  } else {
    heading = a.asOf.now;
    jsonQuery = `position=${checked.events.at(-1)?.event.globalPosition ?? 0}`;
  }
  if (passport === null) {
    return markup`<div id="as-of-result"><h3>${heading}</h3><p>${a.asOf.noEventsYet}</p></div>`;
  }
  const counted = checked.events.filter(({ event }) => event.globalPosition <= passport.globalPosition).length;
  const lastRepair = passport.repair.history.at(-1);
  const recycling = passport.endOfLife.recycling;
  const by = passport.status.lastRecordedBy;
  return markup`<div id="as-of-result"><h3>${heading}</h3>
<p>${a.asOf.counted(counted, checked.events.length)}</p>
${definitions([
  [a.asOf.status, markup`${t.lifecycle[passport.status.lifecycle]} (${time(passport.status.since, f)})`],
  [t.fields.lives, t.lives(passport.lives)],
  [a.asOf.lastRecordedBy, `${by.organisationId} (${by.role}): ${eventName(by.eventType, f)}`],
  [a.asOf.data, wipeSentence(wipeStatusOf(passport), f)],
  [
    a.asOf.repairs,
    lastRepair === undefined
      ? a.asOf.noRepairs
      : `${passport.repair.history.length}: ${t.repairOutcome[lastRepair.outcome]} (${f.dateTime(lastRepair.occurredAt)})`,
  ],
  [
    a.asOf.recycled,
    recycling === null
      ? a.asOf.notRecycled
      : t.recycledAt(f.dateTime(recycling.occurredAt), recycling.treatmentCountry),
  ],
])}
<p><a href="/audit/devices/${checked.deviceId}/passport?${jsonQuery}">${a.asOf.json}</a></p></div>`;
}

/** The passport page's sentence about the data on the device, as it stood then. */
function wipeSentence(status: WipeStatus, f: Formats): string {
  const { wipe } = f.t;
  switch (status.kind) {
    case 'no-storage':
      return wipe.noStorage;
    case 'no-record':
      return wipe.noRecord;
    case 'erased-since-handover':
      return wipe.erasedSinceHandover(f.dateTime(status.erasedOn), status.handover, status.verified);
    case 'erased-before-sale':
      return wipe.erasedBeforeSale(f.dateTime(status.erasedOn), f.dateTime(status.soldOn), status.verified);
    case 'not-erased-since':
      return wipe.notErasedSince(status.handover, f.dateTime(status.since));
  }
}

/** The as-of field's value for a moment: the wall time in the reporting zone, as `datetime-local` shows it. */
export function asOfFieldText(instant: number, timeZone: string): string {
  return wallTimeText(instant, timeZone);
}

// ---------------------------------------------------------------------------------------------------
// Refusals

/** A page that only says what went wrong, with a way back. */
export function renderProblem(title: string, message: string, f: Formats): Html {
  return markup`<h1>${title}</h1>
<p class="notice error" role="alert">${message}</p>
<p><a href="${AUDITOR_PATH}">${f.a.title}</a></p>`;
}

/** The served slider script: shows the event the slider points at while it moves; it submits nothing. */
export const SLIDER_SCRIPT = `'use strict';
(function () {
  var slider = document.getElementById('event');
  var output = document.getElementById('event-value');
  var list = document.getElementById('event-list');
  if (!slider || !output || !list) return;
  function show() {
    var option = list.querySelector('option[value="' + slider.value + '"]');
    if (!option) return;
    output.textContent = option.label;
    slider.setAttribute('aria-valuetext', option.label);
  }
  slider.addEventListener('input', show);
})();
`;
