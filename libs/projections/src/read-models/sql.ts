/**
 * SQL text with its parameters, written once for both dialects: SQLite and PostgreSQL accept the
 * same text for what the read models need (row values, INSERT … SELECT … ON CONFLICT DO UPDATE,
 * positional GROUP BY). Parameters are `?`; the PostgreSQL store numbers them.
 */
export type SqlParam = string | number | null;

/** A row as either driver returns it. */
export type Row = Record<string, unknown>;

/** SQL text with its parameters in the order their `?` appear. */
export class Sql {
  private readonly parts: string[] = [];
  readonly params: SqlParam[] = [];

  add(text: string, ...params: SqlParam[]): this {
    this.parts.push(text);
    this.params.push(...params);
    return this;
  }

  /** `column IN (?, ?, …)`; an empty list matches nothing. */
  in(column: string, values: readonly SqlParam[]): this {
    if (values.length === 0) return this.add('1 = 0');
    return this.add(`${column} IN (${values.map(() => '?').join(', ')})`, ...values);
  }

  get text(): string {
    return this.parts.join(' ');
  }
}
