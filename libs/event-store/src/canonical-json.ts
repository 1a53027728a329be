import type { JsonValue } from './port.js';

/**
 * RFC 8785 (JSON Canonicalization Scheme) for the values events hold: object keys sorted by UTF-16
 * code units, no white space, numbers in ECMAScript shortest form (what JSON.stringify prints for a
 * finite number), strings escaped as JSON.stringify escapes them (which matches RFC 8785).
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('Canonical JSON has no representation for NaN or Infinity');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  const members: string[] = [];
  for (const key of keys) {
    const member = value[key];
    if (member !== undefined) members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}
