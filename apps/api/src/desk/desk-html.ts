/**
 * The desk's pages (docs/pages.md, "The desk"): the lookup and a device with the forms its holder's
 * roles allow. Only each page's `main`; the workspace frame (pages/workspace.ts) adds the rest. Every
 * value goes through `markup` (escaped). The pages work without script; /desk/scan.js only adds the
 * camera button where the browser can read QR codes.
 *
 * Errors are shown as the GOV.UK-style pattern asks: a summary at the top of `main` (role alert,
 * focusable) listing every error as a link to its control, and at each control its message, with
 * `aria-invalid` and `aria-describedby` pointing at it. The messages and codes are the API's.
 */
import {
  isDeviceEventType,
  type DeviceCollectedData,
  type DeviceDataWipedData,
  type DeviceEventType,
  type DeviceRepairedData,
  type DeviceResoldData,
} from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';
import type { DeviceSummary } from '../devices/device-queries.js';
import type { FieldError } from '../http/api-error.js';
import { type Html, markup } from '../pages/html.js';
import { STRINGS, type Language } from '../pages/i18n.js';
import { passportPathOf } from '../pages/public-links.js';
import { DESK_WORDS, type DeskWords } from './desk-i18n.js';
import {
  controlOfField,
  rowControl,
  type DeskForm,
  type FieldSpec,
  type FormItem,
  type FormValues,
  type OptionSet,
} from './desk-forms.js';

/** Where the camera script is served (desk.controller.ts); allowed by the workspace CSP as 'self'. */
export const SCAN_SCRIPT_PATH = '/desk/scan.js';

/** A form as shown: what its controls hold and the errors of its last post. */
export interface FormState {
  readonly values: FormValues;
  /** Filled rows per list (spare empty rows are added to these). */
  readonly rows: ReadonlyMap<string, number>;
  readonly errors: readonly FieldError[];
  /** The form's Idempotency-Key, kept across a re-shown form so a second send records nothing new. */
  readonly idempotencyKey: string;
}

/** The lookup's two forms. */
export type FindForm = 'find-ids' | 'find-link';

export interface FindPage {
  readonly values: FormValues;
  readonly errors: readonly FieldError[];
  /** The form the errors belong to. */
  readonly form: FindForm;
  /** `?lang=` to carry on the forms (the language was chosen by it), or null. */
  readonly lang: Language | null;
}

export interface DevicePage {
  readonly device: DeviceSummary;
  readonly history: readonly StoredEvent[];
  /** The forms the organisation's roles allow, each with its state. */
  readonly forms: readonly { readonly form: DeskForm; readonly state: FormState }[];
  /** The event just recorded (after the redirect), or null. */
  readonly recorded: { readonly type: DeviceEventType; readonly replayed: boolean } | null;
  readonly lang: Language | null;
  readonly timeZone: string;
}

/** The lookup's controls: the query parameters of GET /devices, and the link. */
type FindControl = 'gtin' | 'serialNumber' | 'manufacturer' | 'issuer' | 'localId' | 'link';

const FIND_CONTROLS: Readonly<Record<FindForm, readonly FindControl[]>> = {
  'find-ids': ['gtin', 'serialNumber', 'manufacturer', 'issuer', 'localId'],
  'find-link': ['link'],
};

/** The id of a control: its form and its name, made safe for an id and a fragment. */
function controlId(form: string, name: string): string {
  return `${form}-${name.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;
}

function withLang(path: string, lang: Language | null): string {
  return lang === null ? path : `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
}

/** The errors of one form, each placed at its control or, when it belongs to none, at the form. */
interface PlacedErrors {
  readonly byControl: ReadonlyMap<string, readonly FieldError[]>;
  readonly ofForm: readonly FieldError[];
}

function placeErrors(errors: readonly FieldError[], controls: readonly string[]): PlacedErrors {
  const byControl = new Map<string, FieldError[]>();
  const ofForm: FieldError[] = [];
  for (const error of errors) {
    const control = controlOfField(error.field, controls);
    if (control === null) ofForm.push(error);
    else byControl.set(control, [...(byControl.get(control) ?? []), error]);
  }
  return { byControl, ofForm };
}

/** The summary at the top of `main`: every error, linked to its control (or to its form). */
function errorSummary(words: DeskWords, entries: readonly { error: FieldError; target: string }[]): Html {
  if (entries.length === 0) return markup``;
  const items = entries.map(
    ({ error, target }) =>
      markup`<li data-field="${error.field}" data-code="${error.code}"><a href="#${target}">${error.message}</a> <code>${error.code}</code></li>`,
  );
  return markup`<div class="notice error" id="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title"><h2 id="error-summary-title">${words.errorSummary}</h2><ul>${items}</ul></div>`;
}

function summaryEntries(
  form: string,
  placed: PlacedErrors,
  controls: readonly string[],
): { error: FieldError; target: string }[] {
  const entries: { error: FieldError; target: string }[] = placed.ofForm.map((error) => ({
    error,
    target: `${form}-errors`,
  }));
  for (const control of controls) {
    for (const error of placed.byControl.get(control) ?? []) entries.push({ error, target: controlId(form, control) });
  }
  return entries;
}

function formErrors(words: DeskWords, form: string, placed: PlacedErrors): Html {
  if (placed.ofForm.length === 0) return markup``;
  return markup`<div class="notice error" id="${form}-errors"><p>${words.formError}</p><ul>${placed.ofForm.map(
    (error) => markup`<li>${error.message} <code>${error.code}</code></li>`,
  )}</ul></div>`;
}

interface ControlOptions {
  readonly form: string;
  readonly name: string;
  readonly label: string;
  readonly required: boolean;
  readonly hint: string | null;
  readonly value: string;
  readonly errors: readonly FieldError[];
  readonly words: DeskWords;
}

/** A labelled control with its hint and errors; `input` gets the id and the ARIA attributes. */
function control(options: ControlOptions, input: (attributes: Html) => Html): Html {
  const { form, name, label, required, hint, errors, words } = options;
  const id = controlId(form, name);
  const describedBy = [hint === null ? null : `${id}-hint`, errors.length === 0 ? null : `${id}-error`].filter(
    (part): part is string => part !== null,
  );
  const attributes = markup`id="${id}" name="${name}"${required ? markup` aria-required="true"` : ''}${
    errors.length === 0 ? '' : markup` aria-invalid="true"`
  }${describedBy.length === 0 ? '' : markup` aria-describedby="${describedBy.join(' ')}"`}`;
  return markup`<div class="field"><label for="${id}">${label} <span class="hint">(${
    required ? words.required : words.optional
  })</span></label>${hint === null ? '' : markup`<p class="hint" id="${id}-hint">${hint}</p>`}${
    errors.length === 0
      ? ''
      : markup`<p class="error" id="${id}-error">${errors.map((error) => error.message).join(' ')}</p>`
  }${input(attributes)}</div>`;
}

function optionWords(language: Language, words: DeskWords, set: OptionSet): Readonly<Record<string, string>> {
  const page = STRINGS[language];
  switch (set) {
    case 'outcome':
      return page.repairOutcome;
    case 'barrier':
      return page.repairBarrier;
    case 'partCondition':
      return page.partCondition;
    case 'wipeMethod':
      return page.wipe.method;
    default:
      return words.options[set];
  }
}

function fieldControl(
  language: Language,
  words: DeskWords,
  form: string,
  spec: FieldSpec,
  name: string,
  state: { values: FormValues; placed: PlacedErrors },
): Html {
  const value = state.values.get(name) ?? '';
  const options: ControlOptions = {
    form,
    name,
    label: words.labels[spec.label],
    required: spec.required,
    hint: spec.hint === undefined ? null : words.hints[spec.hint],
    value,
    errors: state.placed.byControl.get(name) ?? [],
    words,
  };
  switch (spec.kind) {
    case 'text':
      return control(options, (attributes) => markup`<input type="text" ${attributes} value="${value}">`);
    case 'number':
      return control(
        options,
        (attributes) => markup`<input type="text" inputmode="decimal" ${attributes} value="${value}">`,
      );
    case 'textarea':
    case 'lines':
      return control(options, (attributes) => markup`<textarea ${attributes} rows="3">${value}</textarea>`);
    case 'choice':
    case 'yes-no': {
      const choices =
        spec.kind === 'yes-no'
          ? [
              { value: 'yes', label: words.options.yesNo.yes },
              { value: 'no', label: words.options.yesNo.no },
            ]
          : (spec.choices?.values ?? []).map((choice) => ({
              value: choice,
              label:
                spec.choices === undefined
                  ? choice
                  : (optionWords(language, words, spec.choices.words)[choice] ?? choice),
            }));
      const known = choices.some((choice) => choice.value === value);
      return control(
        options,
        (attributes) =>
          markup`<select ${attributes}><option value=""${value === '' ? markup` selected` : ''}>${words.choose}</option>${choices.map(
            (choice) =>
              markup`<option value="${choice.value}"${choice.value === value ? markup` selected` : ''}>${choice.label}</option>`,
          )}${
            // A value the list does not have (sent by hand) is kept, so the error shows what was sent.
            known || value === '' ? '' : markup`<option value="${value}" selected>${value}</option>`
          }</select>`,
      );
    }
  }
}

/** Every control name a form shows, in order (rows: the filled ones and the spare ones). */
function controlNames(form: DeskForm, rows: ReadonlyMap<string, number>): string[] {
  return form.items.flatMap((item: FormItem): string[] => {
    if (item.kind === 'rows') {
      const count = (rows.get(item.path) ?? 0) + item.spareRows;
      return Array.from({ length: count }, (_, index) =>
        item.fields.map((spec) => rowControl(item.path, index, spec)),
      ).flat();
    }
    if (item.kind === 'group') return item.fields.map((spec) => spec.path);
    return [item.path];
  });
}

function recordForm(
  language: Language,
  words: DeskWords,
  csrf: Html,
  page: DevicePage,
  form: DeskForm,
  state: FormState,
  placed: PlacedErrors,
): Html {
  const id = form.segment;
  const context = { values: state.values, placed };
  const items = form.items.map((item) => {
    if (item.kind === 'rows') {
      const count = (state.rows.get(item.path) ?? 0) + item.spareRows;
      const rows = Array.from(
        { length: count },
        (_, index) =>
          markup`<fieldset><legend>${words.row(index + 1)}</legend>${item.fields.map((spec) =>
            fieldControl(language, words, id, spec, rowControl(item.path, index, spec), context),
          )}</fieldset>`,
      );
      return markup`<fieldset><legend>${words.groups[item.label]}</legend><p class="hint">${words.hints.rows}</p>${rows}</fieldset>`;
    }
    if (item.kind === 'group') {
      return markup`<fieldset><legend>${words.groups[item.label]}</legend>${item.fields.map((spec) =>
        fieldControl(language, words, id, spec, spec.path, context),
      )}</fieldset>`;
    }
    return fieldControl(language, words, id, item, item.path, context);
  });
  const action = withLang(`/desk/devices/${encodeURIComponent(page.device.deviceId)}/${form.segment}`, page.lang);
  return markup`<section aria-labelledby="${id}-title" id="${id}"><h2 id="${id}-title">${words.forms[form.command].title}</h2>${formErrors(
    words,
    id,
    placed,
  )}<form method="post" action="${action}" class="stack" novalidate>${csrf}<input type="hidden" name="_idempotency" value="${state.idempotencyKey}">${items}<div><button type="submit">${
    words.forms[form.command].submit
  }</button></div></form></section>`;
}

/** The lookup page's `main`. */
export function renderFindMain(language: Language, page: FindPage): Html {
  const words = DESK_WORDS[language];
  const errorsOf = (form: FindForm): PlacedErrors =>
    placeErrors(page.form === form ? page.errors : [], FIND_CONTROLS[form]);
  const ids = errorsOf('find-ids');
  const link = errorsOf('find-link');
  const state = (placed: PlacedErrors): { values: FormValues; placed: PlacedErrors } => ({
    values: page.values,
    placed,
  });
  const text = (form: FindForm, name: FindControl, placed: PlacedErrors): Html =>
    fieldControl(
      language,
      words,
      form,
      { kind: 'text', path: name, label: name, required: false },
      name,
      state(placed),
    );
  const langField = page.lang === null ? '' : markup`<input type="hidden" name="lang" value="${page.lang}">`;
  const summary = errorSummary(words, [
    ...summaryEntries('find-ids', ids, FIND_CONTROLS['find-ids']),
    ...summaryEntries('find-link', link, FIND_CONTROLS['find-link']),
  ]);
  return markup`<h1>${words.findTitle}</h1>${summary}<p>${words.findIntro}</p>
<section aria-labelledby="find-ids-title"><h2 id="find-ids-title">${words.byIdentifiers}</h2>${formErrors(
    words,
    'find-ids',
    ids,
  )}<form method="get" action="/desk" class="stack" id="find-ids" novalidate>${langField}<p class="hint">${
    words.hints.identifiers
  }</p>${FIND_CONTROLS['find-ids'].map((name) => text('find-ids', name, ids))}<div><button type="submit">${words.find}</button></div></form></section>
<section aria-labelledby="find-link-title"><h2 id="find-link-title">${words.byLink}</h2>${formErrors(
    words,
    'find-link',
    link,
  )}<form method="get" action="/desk" class="stack" id="find-link" novalidate>${langField}${fieldControl(
    language,
    words,
    'find-link',
    { kind: 'text', path: 'link', label: 'link', required: false, hint: 'link' },
    'link',
    state(link),
  )}<div><button type="submit">${words.find}</button></div><div><button type="button" id="scan" hidden data-stop="${
    words.scanStop
  }" data-scanning="${words.scanning}" data-failed="${words.scanFailed}">${
    words.scan
  }</button></div><video id="scan-video" hidden muted playsinline></video><p id="scan-status" role="status"></p></form></section>
<script src="${SCAN_SCRIPT_PATH}" defer></script>`;
}

/** The device page's `main`: identity, state, history and the forms. */
export function renderDeviceMain(language: Language, csrf: Html, page: DevicePage): Html {
  const words = DESK_WORDS[language];
  const t = STRINGS[language];
  const { device } = page;
  const { state } = device;
  const product = state.product;
  const dateTime = new Intl.DateTimeFormat(t.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: page.timeZone,
  });
  const when = (timestamp: string): Html =>
    markup`<time datetime="${timestamp}">${dateTime.format(new Date(timestamp))}</time>`;
  const name = [product.brand, product.model].filter((part) => part !== undefined).join(' ');

  const placed = page.forms.map(({ form, state: formState }) => ({
    form,
    state: formState,
    controls: controlNames(form, formState.rows),
    placed: placeErrors(formState.errors, controlNames(form, formState.rows)),
  }));
  const summary = errorSummary(
    words,
    placed.flatMap((entry) => summaryEntries(entry.form.segment, entry.placed, entry.controls)),
  );
  const confirmation =
    page.recorded === null
      ? ''
      : markup`<p class="notice" role="status" id="recorded">${words.recorded(t.event[page.recorded.type])}${
          page.recorded.replayed ? markup` ${words.replayed}` : ''
        }</p>`;

  const holdsData =
    product.hasDataStorage === undefined
      ? words.holdsDataValue.unknown
      : product.hasDataStorage
        ? words.holdsDataValue.yes
        : words.holdsDataValue.no;
  const identity: [string, string | number | undefined][] = [
    [t.fields.manufacturer, product.manufacturer],
    [t.fields.brand, product.brand],
    [t.fields.model, product.model],
    [t.fields.gtin, product.gtin],
    [t.fields.serialNumber, product.serialNumber],
    [
      words.labels.localId,
      product.localId === undefined ? undefined : `${product.localId.value} (${product.localId.issuer})`,
    ],
    [t.fields.deviceId, device.deviceId],
    [t.fields.category, t.weeeCategory[product.weeeCategory]],
  ];
  const stateRows: [string, Html | string | number][] = [
    [words.status, markup`<span class="status ${state.status}">${t.lifecycle[state.status]}</span>`],
    [words.lives, state.lives],
    [words.holdsData, holdsData],
    ...(product.hasDataStorage === false
      ? []
      : [
          [t.sections.data, state.wipedSinceHandover ? words.wipedSinceHandover.yes : words.wipedSinceHandover.no] as [
            string,
            string,
          ],
        ]),
    [words.latestRepair, state.latestRepairOutcome === null ? words.none : t.repairOutcome[state.latestRepairOutcome]],
  ];
  const history = page.history.map(
    (event) =>
      markup`<li>${when(event.occurredAt)}${
        isDeviceEventType(event.type) ? t.event[event.type] : event.type
      }${eventDetail(language, words, event)}</li>`,
  );
  const forms =
    placed.length === 0
      ? markup`<p>${words.nothingToRecord}</p>`
      : placed.map((entry) => recordForm(language, words, csrf, page, entry.form, entry.state, entry.placed));

  return markup`<p><a href="${withLang('/desk', page.lang)}">${words.findAnother}</a></p>
<h1>${name === '' ? device.deviceId : name}<small>${words.device}</small></h1>${summary}${confirmation}
<section aria-labelledby="identity-title"><h2 id="identity-title">${t.sections.product}</h2><dl>${identity
    .filter(([, value]) => value !== undefined)
    .map(([label, value]) => markup`<dt>${label}</dt><dd>${value}</dd>`)}</dl><p><a href="${withLang(
    passportPathOf(device.deviceId),
    page.lang,
  )}">${words.passportLink}</a></p></section>
<section aria-labelledby="state-title"><h2 id="state-title">${words.state}</h2><dl>${stateRows.map(
    ([label, value]) => markup`<dt>${label}</dt><dd>${value}</dd>`,
  )}</dl></section>
<section aria-labelledby="history-title"><h2 id="history-title">${words.history}</h2><ol class="timeline">${history}</ol></section>
${forms}`;
}

/**
 * A line's detail after the event's name. The data of a stored event was validated against its
 * type's schema when it was appended, so it is read as that type's data.
 */
function eventDetail(language: Language, words: DeskWords, event: StoredEvent): Html | string {
  const t = STRINGS[language];
  switch (event.type) {
    case 'DeviceCollected': {
      const data = event.data as unknown as DeviceCollectedData;
      return markup`: ${words.options.condition[data.condition]}, ${data.collectionPointId}`;
    }
    case 'DeviceDataWiped': {
      const data = event.data as unknown as DeviceDataWipedData;
      return markup`: ${t.wipe.method[data.method]}, ${words.options.result[data.result]}`;
    }
    case 'DeviceRepaired': {
      const data = event.data as unknown as DeviceRepairedData;
      const barrier = data.barrier === undefined ? '' : ` (${t.repairBarrier[data.barrier]})`;
      return markup`: ${t.repairOutcome[data.outcome]}${barrier}. ${data.problem}`;
    }
    case 'DeviceResold': {
      const data = event.data as unknown as DeviceResoldData;
      return markup`: ${words.options.salesChannel[data.channel]}, ${words.options.buyerType[data.buyerType]}`;
    }
    default:
      return '';
  }
}

/** The device page's title: the device as a person names it. */
export function deviceTitle(language: Language, device: DeviceSummary): string {
  const { brand, model } = device.state.product;
  const name = [brand, model].filter((part) => part !== undefined).join(' ');
  return `${name === '' ? device.deviceId : name} – ${DESK_WORDS[language].desk}`;
}
