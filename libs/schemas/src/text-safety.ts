/**
 * The one text rule of every entry (HTTP bodies, path parameters, query strings, import lines):
 * text is well-formed Unicode without NUL. PostgreSQL refuses both a NUL character and a lone UTF-16
 * surrogate in jsonb and text columns while SQLite stores them, so without this rule the same request
 * would be stored on one store and fail on the other. JSON can carry either only as a `\u` escape.
 */

/** Deepest nesting of arrays and objects a request body or import line may have; the schemas need 5. */
export const MAX_JSON_DEPTH = 32;

export const TEXT_RULE_MESSAGE =
  'Text must be well-formed Unicode: no NUL character (\\u0000) and no lone UTF-16 surrogate';

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isWellFormedText(text: string): boolean {
  return !text.includes('\u0000') && !LONE_SURROGATE.test(text);
}

export interface TextProblem {
  /** Readable path of the value at fault (`product.materials[0].name`), `(body)` for the root. */
  readonly field: string;
  /** `character`: breaks the text rule; `nesting`: deeper than MAX_JSON_DEPTH. */
  readonly problem: 'character' | 'nesting';
}

/**
 * The first string or member name in a parsed JSON value that breaks the text rule, or nesting past
 * `maxDepth`, or null. Bounded by the depth so that it cannot overflow the stack on hostile input.
 */
export function findTextProblem(value: unknown, path = '', maxDepth = MAX_JSON_DEPTH): TextProblem | null {
  return walk(value, path, 0, maxDepth);
}

function walk(value: unknown, path: string, depth: number, maxDepth: number): TextProblem | null {
  if (typeof value === 'string')
    return isWellFormedText(value) ? null : { field: path || '(body)', problem: 'character' };
  if (typeof value !== 'object' || value === null) return null;
  if (depth >= maxDepth) return { field: path || '(body)', problem: 'nesting' };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = walk(value[index], `${path}[${index}]`, depth + 1, maxDepth);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [key, member] of Object.entries(value)) {
    const here = path === '' ? key : `${path}.${key}`;
    if (!isWellFormedText(key)) return { field: here, problem: 'character' };
    const found = walk(member, here, depth + 1, maxDepth);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Member names that JavaScript objects treat specially. A DTO transformation drops them without a
 * word, so they are refused like any other unknown field rather than silently ignored.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The path of the first member named `__proto__`, `constructor` or `prototype`, or null. */
export function findPrototypeKey(value: unknown, path = '', depth = 0): string | null {
  if (typeof value !== 'object' || value === null || depth >= MAX_JSON_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = findPrototypeKey(value[index], `${path}[${index}]`, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [key, member] of Object.entries(value)) {
    const here = path === '' ? key : `${path}.${key}`;
    if (PROTOTYPE_KEYS.has(key)) return here;
    const found = findPrototypeKey(member, here, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Whether raw JSON text nests arrays and objects deeper than `maxDepth`, found by counting brackets
 * outside strings, so that it can be answered before JSON.parse and before any transformation
 * recurses into the value (class-transformer overflows the stack at a few thousand levels).
 */
export function jsonNestsDeeperThan(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < bytes.length; index += 1) {
    const byte = bytes[index];
    if (inString) {
      if (byte === 0x5c)
        index += 1; // backslash: the next byte is escaped, even a quote
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      depth += 1;
      if (depth > maxDepth) return true;
    } else if (byte === 0x5d || byte === 0x7d) {
      depth -= 1;
    }
  }
  return false;
}
