/**
 * A small validator for the ORDS v0.3 Frictionless Table Schema
 * (test/fixtures/standards/ords/ords-v0.3-tableschema-aggregate-202507.json), enough for its one
 * resource of repair records. No Table Schema package is installed; each constraint the schema uses
 * is checked here as the Table Schema v1 specification defines it, with the schema's own defects
 * read as their authors evidently meant them and listed in SCHEMA_DEFECTS (docs/interop.md, "ORDS"):
 *
 * - type `string` any text; `integer` an optional sign and digits; `number` a decimal (sign, digits,
 *   optional fraction); `date` YYYY-MM-DD (the schema's format "yyyy-mm-dd" is no Table Schema date
 *   format, whose pattern formats are strptime, e.g. "%Y-%m-%d": read as ISO 8601 dates).
 * - missing values: the field's `missingValues`, else the Table Schema default [""]: a missing value is
 *   null and only `required` applies to it (no field of this schema is required).
 * - `pattern`: the whole value must match (Table Schema patterns are anchored), on the text as written.
 * - `enum`: the schema writes it as one string "[a, b, c]" rather than an array; read as the list
 *   of the comma-separated items, trimmed.
 * - `minimum`/`maximum` on the string field `country` ("3"): meaningless for strings in Table Schema;
 *   read as the length bounds they were meant to be.
 * - `unique`: written as the string "true"; read as true (and `primaryKey` id is unique anyway).
 */
import { readFileSync } from 'node:fs';

interface FieldConstraints {
  readonly required?: boolean | string;
  readonly unique?: boolean | string;
  readonly pattern?: string;
  readonly enum?: string | readonly string[];
  readonly minimum?: string | number;
  readonly maximum?: string | number;
}

interface TableSchemaField {
  readonly name: string;
  readonly type: string;
  readonly format?: string;
  readonly missingValues?: readonly string[];
  readonly constraints?: FieldConstraints;
}

export interface TableSchema {
  readonly fields: readonly TableSchemaField[];
  readonly primaryKey?: string;
}

export interface Violation {
  /** 0-based index of the row among the data rows. */
  readonly row: number;
  readonly field: string;
  readonly constraint: 'type' | 'required' | 'pattern' | 'enum' | 'length' | 'unique' | 'column';
  readonly value: string;
}

/** The repair-records resource's schema, read from the copied file. */
export function ordsTableSchema(): TableSchema {
  const packaged = JSON.parse(
    readFileSync(
      new URL('../fixtures/standards/ords/ords-v0.3-tableschema-aggregate-202507.json', import.meta.url),
      'utf8',
    ),
  ) as { resources: { name: string; schema: TableSchema }[] };
  const resource = packaged.resources.find((candidate) => candidate.name.startsWith('OpenRepairData_v0.3_aggregate'));
  if (resource === undefined) throw new Error('the table schema has no aggregate resource');
  return resource.schema;
}

/** The schema's deviations from Table Schema v1 that the validator reads around (see the header). */
export const SCHEMA_DEFECTS = [
  'enum constraints are strings, not arrays',
  'unique is the string "true", not a boolean',
  'country has minimum/maximum "3" on a string field (meant as length)',
  'event_date has format "yyyy-mm-dd", not a Table Schema date format',
] as const;

/** Where the schema departs from Table Schema v1: found by reading it, so the list above is checked. */
export function schemaDefects(schema: TableSchema): string[] {
  const found: string[] = [];
  const fields = schema.fields;
  if (fields.some((field) => typeof field.constraints?.enum === 'string')) found.push(SCHEMA_DEFECTS[0]);
  if (fields.some((field) => typeof field.constraints?.unique === 'string')) found.push(SCHEMA_DEFECTS[1]);
  if (fields.some((field) => field.type === 'string' && field.constraints?.minimum !== undefined))
    found.push(SCHEMA_DEFECTS[2]);
  if (
    fields.some(
      (field) =>
        field.type === 'date' &&
        field.format !== undefined &&
        !['default', 'any'].includes(field.format) &&
        !field.format.includes('%'),
    )
  )
    found.push(SCHEMA_DEFECTS[3]);
  return found;
}

const TYPE_PATTERNS: Readonly<Record<string, RegExp>> = {
  integer: /^[+-]?[0-9]+$/,
  number: /^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$/,
};

function isTrue(value: boolean | string | undefined): boolean {
  return value === true || value === 'true';
}

function enumItems(value: string | readonly string[]): readonly string[] {
  if (typeof value !== 'string') return value;
  return value
    .replace(/^\[/, '')
    .replace(/\]$/, '')
    .split(',')
    .map((item) => item.trim());
}

function validDate(text: string): boolean {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

/**
 * Every violation of `rows` (a header row first, then data rows, all text) against the schema:
 * the header must name the schema's fields in its order; each value its type and constraints.
 */
export function validateTable(schema: TableSchema, rows: readonly (readonly string[])[]): Violation[] {
  const [header, ...data] = rows;
  const violations: Violation[] = [];
  const names = schema.fields.map((field) => field.name);
  if (header === undefined || header.join('\u0000') !== names.join('\u0000')) {
    violations.push({ row: -1, field: '', constraint: 'column', value: (header ?? []).join(',') });
    return violations;
  }
  const seen = new Map<string, Set<string>>();
  data.forEach((row, index) => {
    schema.fields.forEach((field, column) => {
      const value = row[column] ?? '';
      const fail = (constraint: Violation['constraint']): void => {
        violations.push({ row: index, field: field.name, constraint, value });
      };
      const constraints = field.constraints ?? {};
      if ((field.missingValues ?? ['']).includes(value)) {
        if (isTrue(constraints.required)) fail('required');
        return;
      }
      const typePattern = TYPE_PATTERNS[field.type];
      if (typePattern !== undefined && !typePattern.test(value)) fail('type');
      if (field.type === 'date' && !validDate(value)) fail('type');
      if (constraints.pattern !== undefined && !new RegExp(`^(?:${constraints.pattern})$`, 'u').test(value))
        fail('pattern');
      if (constraints.enum !== undefined && !enumItems(constraints.enum).includes(value)) fail('enum');
      if (
        field.type === 'string' &&
        constraints.minimum !== undefined &&
        [...value].length < Number(constraints.minimum)
      )
        fail('length');
      if (
        field.type === 'string' &&
        constraints.maximum !== undefined &&
        [...value].length > Number(constraints.maximum)
      )
        fail('length');
      if (isTrue(constraints.unique) || schema.primaryKey === field.name) {
        const values = seen.get(field.name) ?? new Set<string>();
        if (values.has(value)) fail('unique');
        values.add(value);
        seen.set(field.name, values);
      }
    });
  });
  return violations;
}

/** Violations counted by field and constraint, e.g. { 'id pattern': 1033 }: what a test compares. */
export function violationCounts(violations: readonly Violation[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const violation of violations) {
    const key = `${violation.field} ${violation.constraint}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
