/**
 * Which errors of a page are the environment's (retry the page as it is) and which may be the
 * event's (isolate it, docs/adr/0011-poison-event-quarantine.md). Only a known transient class is
 * retried: anything else is treated as possibly deterministic, and the projector then confirms it
 * by retrying smaller and smaller parts of the page, so an event is quarantined only when it fails
 * alone, every time. A transient error misread as permanent therefore costs at most a quarantine
 * that an operator can re-project; a permanent error misread as transient would stop the read
 * models for good, which is why the transient list is explicit and narrow.
 */

/** Node's network errors: the database is unreachable or dropped the connection. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

/**
 * PostgreSQL SQLSTATE classes about the server or the session, never about the data written:
 * 08 connection exception, 40 transaction rollback (serialisation failure, deadlock), 53 insufficient
 * resources (disk full, out of memory, too many connections), 57 operator intervention (shutdown,
 * cancelled or timed-out statement), 58 system error (I/O). Data errors (22: numeric value out of
 * range, 23: constraint violation) are not among them.
 */
const POSTGRES_TRANSIENT_CLASSES = new Set(['08', '40', '53', '57', '58']);

/**
 * Single PostgreSQL codes about the session or the schema, never about one event's data: 55P03 lock
 * not available (a lock timeout), 55006 object in use, 42501 insufficient privilege and 42P01 undefined
 * table (an operator's grant or a migration in progress). Quarantining events for these would skip
 * every event of the page while the fault lasts.
 */
const POSTGRES_TRANSIENT_CODES = new Set(['55P03', '55006', '42501', '42P01']);

/**
 * SQLite result codes (better-sqlite3 puts the extended code in `code`): a lock held by another
 * connection, I/O, a full disk, memory, a file that cannot be opened or written. Data errors
 * (SQLITE_CONSTRAINT_*, SQLITE_MISMATCH, SQLITE_TOOBIG) are not among them.
 */
const SQLITE_TRANSIENT = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|NOMEM|CANTOPEN|PROTOCOL|INTERRUPT|READONLY)(_|$)/;

/** Errors of the pg driver and of closed stores that carry no code. */
const TRANSIENT_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Cannot use a pool after calling end/i,
  /database connection is not open/i,
  /call init\(\) first \(or it was closed\)/,
];

export function isTransientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  // Fields read by name, not by class: errors from node_modules can come from another realm (jest).
  const code = 'code' in error && typeof error.code === 'string' ? error.code : '';
  if (code === 'STORE_UNAVAILABLE') return true;
  if (NETWORK_CODES.has(code)) return true;
  if (SQLITE_TRANSIENT.test(code)) return true;
  if (/^[0-9A-Z]{5}$/.test(code) && POSTGRES_TRANSIENT_CLASSES.has(code.slice(0, 2))) return true;
  if (POSTGRES_TRANSIENT_CODES.has(code)) return true;
  const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
  return TRANSIENT_MESSAGES.some((pattern) => pattern.test(message));
}

/** The text kept as a quarantine reason: the error's name and message, and its code when it has one. */
export function reasonOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const name = 'name' in error && typeof error.name === 'string' ? error.name : 'Error';
  const message = 'message' in error && typeof error.message === 'string' ? error.message : '(no message)';
  const code = 'code' in error && typeof error.code === 'string' ? ` [${error.code}]` : '';
  return `${name}${code}: ${message}`;
}
