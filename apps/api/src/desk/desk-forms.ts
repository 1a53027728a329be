/**
 * The desk's forms as data: which controls each command's form has, and how a posted form becomes
 * the JSON body the API takes for that command. The body then goes through the API's own pipeline
 * (text rule, JSON Schema, access rules, decide), so a form is refused exactly as the same body sent
 * to the API would be: the form names each control by the field's path in the body (`cost.amount`,
 * `partsReplaced[0].name`), and an error's `field` leads back to its control.
 *
 * Turning text into JSON is the one thing the desk adds, and it decides nothing: an empty control is
 * an absent field; a number control's text that reads as a number is that number, any other text
 * is passed on as text (the schema then says it must be a number); a list is one item per line.
 */
import { isUtf8 } from 'node:buffer';
import type { Permission } from '#kierto/access';
import { requestSchemas } from '#kierto/schemas';
import type { DeskWords, FieldLabel, HintName } from './desk-i18n.js';

/** The commands the desk records: what collectors, refurbishers and repairers do at the bench. */
export const DESK_COMMANDS = ['CollectDevice', 'RecordDataWipe', 'RecordRepair', 'RecordResale'] as const;
export type DeskCommand = (typeof DESK_COMMANDS)[number];

/** The choices a select control offers, by the words that name them (desk-i18n.ts `options`). */
export type OptionSet = keyof DeskWords['options'] | 'outcome' | 'barrier' | 'partCondition' | 'wipeMethod';

export type FieldKind =
  /** One line of text. */
  | 'text'
  /** Several lines of text, one string. */
  | 'textarea'
  /** Several lines, one string per non-empty line. */
  | 'lines'
  | 'number'
  /** A select of the schema's values. */
  | 'choice'
  /** A select of yes and no: true and false. */
  | 'yes-no';

export interface FieldSpec {
  readonly kind: FieldKind;
  /** Path in the body (within a row: in the row's object); the control's name. */
  readonly path: string;
  readonly label: FieldLabel;
  readonly required: boolean;
  readonly hint?: HintName;
  /** For `choice`: the values (from the request schema) and the words that name them. */
  readonly choices?: { readonly values: readonly string[]; readonly words: OptionSet };
}

/** A list of objects (parts replaced, storage media): a few rows of controls, empty rows left out. */
export interface RowsSpec {
  readonly kind: 'rows';
  readonly path: string;
  readonly label: keyof DeskWords['groups'];
  readonly fields: readonly FieldSpec[];
  /** Empty rows offered beyond the filled ones (no script adds rows; a re-shown form gets new ones). */
  readonly spareRows: number;
}

/** Controls shown together under a legend (`tool.name`, `tool.version`). */
export interface GroupSpec {
  readonly kind: 'group';
  readonly label: keyof DeskWords['groups'];
  readonly fields: readonly FieldSpec[];
}

export type FormItem = FieldSpec | RowsSpec | GroupSpec;

export interface DeskForm {
  readonly command: DeskCommand;
  /** The API route's last segment (POST /devices/{id}/{segment}), also the desk's. */
  readonly segment: 'collections' | 'data-wipes' | 'repairs' | 'resales';
  readonly permission: Permission;
  readonly items: readonly FormItem[];
}

const collect = requestSchemas.CollectDevice.properties;
const wipe = requestSchemas.RecordDataWipe.properties;
const repair = requestSchemas.RecordRepair.properties;
const resale = requestSchemas.RecordResale.properties;

const field = (
  path: string,
  label: FieldLabel,
  kind: FieldKind,
  required: boolean,
  extra: Pick<FieldSpec, 'hint' | 'choices'> = {},
): FieldSpec => ({ path, label, kind, required, ...extra });

const choice = (
  path: string,
  label: FieldLabel,
  required: boolean,
  values: readonly string[],
  words: OptionSet,
): FieldSpec => field(path, label, 'choice', required, { choices: { values, words } });

const occurredAt = field('occurredAt', 'occurredAt', 'text', true, { hint: 'occurredAt' });

export const DESK_FORMS: Readonly<Record<DeskCommand, DeskForm>> = {
  CollectDevice: {
    command: 'CollectDevice',
    segment: 'collections',
    permission: 'device:collect',
    items: [
      occurredAt,
      field('collectionPointId', 'collectionPointId', 'text', true),
      choice('channel', 'channel', true, collect.channel.enum, 'collectionChannel'),
      choice('source', 'source', true, collect.source.enum, 'market'),
      field('country', 'country', 'text', true, { hint: 'country' }),
      choice('condition', 'condition', true, collect.condition.enum, 'condition'),
      field('measuredWeightKg', 'measuredWeightKg', 'number', false),
      field('onBehalfOf', 'onBehalfOf', 'text', false),
    ],
  },
  RecordDataWipe: {
    command: 'RecordDataWipe',
    segment: 'data-wipes',
    permission: 'device:wipe',
    items: [
      occurredAt,
      choice('standard', 'standard', true, wipe.standard.enum, 'standard'),
      choice('method', 'method', true, wipe.method.enum, 'wipeMethod'),
      field('technique', 'technique', 'text', false),
      {
        kind: 'group',
        label: 'tool',
        fields: [field('tool.name', 'tool.name', 'text', true), field('tool.version', 'tool.version', 'text', true)],
      },
      {
        kind: 'rows',
        path: 'media',
        label: 'media',
        spareRows: 1,
        fields: [
          choice('type', 'media.type', true, wipe.media.items.properties.type.enum, 'mediumType'),
          field('serialNumber', 'media.serialNumber', 'text', true),
          field('capacityGb', 'media.capacityGb', 'number', true),
          choice('result', 'media.result', true, wipe.media.items.properties.result.enum, 'result'),
        ],
      },
      {
        kind: 'group',
        label: 'verification',
        fields: [
          choice(
            'verification.method',
            'verification.method',
            true,
            wipe.verification.properties.method.enum,
            'verificationMethod',
          ),
          field('verification.verified', 'verification.verified', 'yes-no', true),
        ],
      },
      choice('result', 'result', true, wipe.result.enum, 'result'),
      field('certificateId', 'certificateId', 'text', true),
    ],
  },
  RecordRepair: {
    command: 'RecordRepair',
    segment: 'repairs',
    permission: 'device:repair',
    items: [
      occurredAt,
      field('problem', 'problem', 'textarea', true),
      field('actions', 'actions', 'lines', true, { hint: 'actions' }),
      {
        kind: 'rows',
        path: 'partsReplaced',
        label: 'partsReplaced',
        spareRows: 2,
        fields: [
          field('name', 'partsReplaced.name', 'text', true),
          field('partNumber', 'partsReplaced.partNumber', 'text', false),
          choice(
            'condition',
            'partsReplaced.condition',
            true,
            repair.partsReplaced.items.properties.condition.enum,
            'partCondition',
          ),
        ],
      },
      choice('outcome', 'outcome', true, repair.outcome.enum, 'outcome'),
      choice('barrier', 'barrier', false, repair.barrier.enum, 'barrier'),
      field('labourMinutes', 'labourMinutes', 'number', false),
      {
        kind: 'group',
        label: 'cost',
        fields: [
          field('cost.amount', 'cost.amount', 'number', false),
          field('cost.currency', 'cost.currency', 'text', false, { hint: 'currency' }),
        ],
      },
    ],
  },
  RecordResale: {
    command: 'RecordResale',
    segment: 'resales',
    permission: 'device:resell',
    items: [
      occurredAt,
      choice('channel', 'salesChannel', true, resale.channel.enum, 'salesChannel'),
      choice('buyerType', 'buyerType', true, resale.buyerType.enum, 'buyerType'),
      field('country', 'country', 'text', true, { hint: 'country' }),
      {
        kind: 'group',
        label: 'price',
        fields: [
          field('price.amount', 'price.amount', 'number', true),
          field('price.currency', 'price.currency', 'text', true, { hint: 'currency' }),
        ],
      },
      field('warrantyMonths', 'warrantyMonths', 'number', true),
    ],
  },
};

/** The form of a desk route's segment, or null. */
export function deskFormOfSegment(segment: string): DeskForm | null {
  return Object.values(DESK_FORMS).find((form) => form.segment === segment) ?? null;
}

/** What a form's controls hold, by control name; what a re-shown form fills in. */
export type FormValues = ReadonlyMap<string, string>;

/** A posted form as read from the urlencoded body: each control's text (a repeated name: its first value). */
export function formValuesOf(body: unknown): Map<string, string> {
  const values = new Map<string, string>();
  if (typeof body !== 'object' || body === null) return values;
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const text: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
    if (typeof text === 'string') values.set(name, text);
  }
  return values;
}

/**
 * The first control whose value, as sent, is not UTF-8 (the name itself counts as its control), or
 * null. The urlencoded parser decodes such bytes to U+FFFD without a word, as JSON's parser would;
 * the API refuses those in JSON bodies (INVALID_UTF8), and the desk does the same for forms, naming
 * the control. `raw` is the body's bytes as received.
 */
export function controlWithInvalidUtf8(raw: Buffer | undefined): string | null {
  if (raw === undefined) return null;
  for (const pair of raw.toString('latin1').split('&')) {
    const [name = '', value = ''] = pair.split('=', 2);
    const bytes = (text: string): Buffer =>
      Buffer.from(
        text
          .replace(/\+/g, ' ')
          .replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
        'latin1',
      );
    if (!isUtf8(bytes(name)) || !isUtf8(bytes(value))) {
      return isUtf8(bytes(name)) ? bytes(name).toString('utf8') : '(body)';
    }
  }
  return null;
}

/** The body a form stands for, and its values as the form is shown again (empty rows dropped, rows renumbered). */
export interface FormReading {
  readonly body: Record<string, unknown>;
  readonly values: FormValues;
  /** Rows shown per list: the filled ones. */
  readonly rows: ReadonlyMap<string, number>;
}

/** Reads a posted form into the JSON body of its command (see the module comment for the rules). */
export function readForm(form: DeskForm, posted: FormValues): FormReading {
  const body: Record<string, unknown> = {};
  const values = new Map<string, string>();
  const rows = new Map<string, number>();
  const readField = (spec: FieldSpec, name: string, into: Record<string, unknown>, at: string): void => {
    const text = posted.get(name) ?? '';
    values.set(at, text);
    const value = valueOf(spec.kind, text);
    if (value !== undefined) setPath(into, spec.path, value);
  };
  for (const item of form.items) {
    if (item.kind === 'rows') {
      const list: Record<string, unknown>[] = [];
      for (const index of rowIndexes(item.path, posted)) {
        const filled = item.fields.some((spec) => (posted.get(rowControl(item.path, index, spec)) ?? '').trim() !== '');
        if (!filled) continue;
        const row: Record<string, unknown> = {};
        for (const spec of item.fields) {
          readField(spec, rowControl(item.path, index, spec), row, rowControl(item.path, list.length, spec));
        }
        list.push(row);
      }
      body[item.path] = list;
      rows.set(item.path, list.length);
    } else if (item.kind === 'group') {
      for (const spec of item.fields) readField(spec, spec.path, body, spec.path);
    } else {
      readField(item, item.path, body, item.path);
    }
  }
  return { body, values, rows };
}

/** The control name of a row's field: its path in the body. */
export function rowControl(list: string, index: number, spec: FieldSpec): string {
  return `${list}[${index}].${spec.path}`;
}

/** The row numbers a form posted for a list, in order. */
function rowIndexes(list: string, posted: FormValues): number[] {
  const pattern = new RegExp(`^${list}\\[(\\d{1,4})\\]\\.`);
  const indexes = new Set<number>();
  for (const name of posted.keys()) {
    const match = pattern.exec(name);
    if (match !== null) indexes.add(Number(match[1]));
  }
  return [...indexes].sort((a, b) => a - b);
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

function valueOf(kind: FieldKind, text: string): unknown {
  if (kind === 'lines') {
    return text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
  }
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  switch (kind) {
    case 'number':
      return JSON_NUMBER.test(trimmed) ? Number(trimmed) : text;
    case 'yes-no':
      return trimmed === 'yes' ? true : trimmed === 'no' ? false : text;
    case 'text':
    case 'textarea':
    case 'choice':
      return text;
  }
}

/** Sets `a.b` in an object, making the objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  keys.slice(0, -1).forEach((key) => {
    const next = node[key];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) node = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  });
  node[keys[keys.length - 1] ?? path] = value;
}

/**
 * The control an error's field belongs to, among a form's controls: the control itself; else the
 * nearest control the field lies within (`actions[2]` → `actions`); else the first control within
 * the field (`tool` → `tool.name`, `media` → `media[0].type`); else none (an error of the whole
 * request, such as a lifecycle rule, is shown for the form).
 */
export function controlOfField(field: string, controls: readonly string[]): string | null {
  if (field === '') return null;
  if (controls.includes(field)) return field;
  const within = (inner: string, outer: string): boolean =>
    inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  const enclosing = controls.filter((control) => within(field, control)).sort((a, b) => b.length - a.length);
  if (enclosing[0] !== undefined) return enclosing[0];
  return controls.find((control) => within(control, field)) ?? null;
}
