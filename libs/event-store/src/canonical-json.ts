import type { JsonValue } from './port.js';

/**
 * RFC 8785 (JSON Canonicalization Scheme) for the values events hold: object keys sorted by UTF-16
 * code units, no white space, numbers in ECMAScript shortest form (what JSON.stringify prints for a
 * finite number), strings escaped as JSON.stringify escapes them (which matches RFC 8785).
 *
 * Built by appending to one string rather than joining an array per object or array: V8 keeps the
 * appends as a rope and flattens it once, where join copied each level's text into its parent's
 * (every event of an append goes through here once; the arrays and copies were most of its garbage).
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('Canonical JSON has no representation for NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index += 1) {
      if (index > 0) text += ',';
      text += canonicalJson(value[index] as JsonValue);
    }
    return `${text}]`;
  }
  const keys = Object.keys(value);
  if (!isSorted(keys)) keys.sort();
  let text = '{';
  let first = true;
  for (const key of keys) {
    const member = value[key];
    if (member === undefined) continue;
    text += first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`;
    text += canonicalJson(member);
    first = false;
  }
  return `${text}}`;
}

/** Whether keys already are in the order `sort()` gives (UTF-16 code units), which spares the sort. */
function isSorted(keys: readonly string[]): boolean {
  for (let index = 1; index < keys.length; index += 1)
    if ((keys[index - 1] as string) > (keys[index] as string)) return false;
  return true;
}
