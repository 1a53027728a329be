/**
 * JSON allows "\u0000" in strings, but PostgreSQL's jsonb refuses it, so an event that SQLite
 * would store could not be stored on PostgreSQL. Refusing it at the edge keeps both stores equal.
 * Returns the readable path of the first string holding a NUL character, or null.
 */
export function findNulCharacter(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(body)' : null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = findNulCharacter(value[index], `${path}[${index}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, member] of Object.entries(value)) {
      const here = path === '' ? key : `${path}.${key}`;
      if (key.includes('\u0000')) return here;
      const found = findNulCharacter(member, here);
      if (found !== null) return found;
    }
  }
  return null;
}
