import type { JsonObject } from '#kierto/event-store';

/**
 * Domain data is plain JSON by construction (validated against schemas/ at the edge). The round trip
 * drops `undefined` members so what is hashed at append equals what is read back.
 */
export function toJsonObject(value: object): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}
