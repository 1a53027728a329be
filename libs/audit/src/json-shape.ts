/**
 * Strict reading of untrusted JSON (checkpoint files, bundles): exact keys and types, with messages
 * that name the offending field, so an auditor learns what is wrong with a file, not just that it is.
 */
import type { JsonObject, JsonValue } from '#kierto/event-store';
import { isHexHash } from './merkle.js';

/** A file (checkpoint, bundle, key) that cannot be used as given; the CLI prints the message. */
export class AuditInputError extends Error {
  override readonly name = 'AuditInputError';
}

/** An error's message; not `instanceof Error`, which fails for Node's errors under jest's VM modules. */
export function messageOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return error.message;
  }
  return String(error);
}

export function parseJson(text: string, what: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw new AuditInputError(`${what} is not valid JSON: ${messageOf(error)}`);
  }
}

export function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `where`, which must have exactly these keys. */
export function exactObject(value: JsonValue | undefined, keys: readonly string[], where: string): JsonObject {
  if (!isJsonObject(value)) throw new AuditInputError(`${where} must be a JSON object`);
  const missing = keys.filter((key) => !Object.hasOwn(value, key));
  if (missing.length > 0) throw new AuditInputError(`${where} lacks ${missing.join(', ')}`);
  const extra = Object.keys(value).filter((key) => !keys.includes(key));
  if (extra.length > 0) throw new AuditInputError(`${where} has unexpected ${extra.join(', ')}`);
  return value;
}

export function stringAt(object: JsonObject, key: string, where: string): string {
  const value = object[key];
  if (typeof value !== 'string') throw new AuditInputError(`${where}.${key} must be a string`);
  return value;
}

export function nullableStringAt(object: JsonObject, key: string, where: string): string | null {
  const value = object[key];
  if (value !== null && typeof value !== 'string')
    throw new AuditInputError(`${where}.${key} must be a string or null`);
  return value ?? null;
}

export function integerAt(object: JsonObject, key: string, where: string, min: number): number {
  const value = object[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new AuditInputError(`${where}.${key} must be an integer ≥ ${min}`);
  }
  return value;
}

export function hashAt(object: JsonObject, key: string, where: string): string {
  const value = object[key];
  if (!isHexHash(value)) throw new AuditInputError(`${where}.${key} must be a SHA-256 hash (64 lower-case hex digits)`);
  return value;
}

export function timestampAt(object: JsonObject, key: string, where: string): string {
  const value = stringAt(object, key, where);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new AuditInputError(`${where}.${key} must be an ISO 8601 UTC time`);
  }
  return value;
}

export function objectAt(object: JsonObject, key: string, where: string): JsonObject {
  const value = object[key];
  if (!isJsonObject(value)) throw new AuditInputError(`${where}.${key} must be a JSON object`);
  return value;
}

export function arrayAt(object: JsonObject, key: string, where: string): JsonValue[] {
  const value = object[key];
  if (!Array.isArray(value)) throw new AuditInputError(`${where}.${key} must be an array`);
  return value;
}
