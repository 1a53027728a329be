/**
 * PostgreSQL for test suites. Importing this module probes the server once (2 s connect timeout):
 * - reachable: `describeIfPostgres` is `describe`;
 * - unreachable and KIERTO_REQUIRE_POSTGRES=1 (CI): the import throws, so every suite that needs
 *   PostgreSQL fails with the reason;
 * - unreachable otherwise: `describeIfPostgres` is `describe.skip`, with a console warning that says
 *   how to enable the suites.
 * Each suite works in its own schema (`createTestSchema`) and drops it afterwards.
 */
import { randomBytes } from 'node:crypto';
import { describe } from '@jest/globals';
import pg from 'pg';

export const DEFAULT_TEST_POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/test';

export interface PostgresProbe {
  readonly url: string;
  readonly available: boolean;
  /** Why the server is unavailable (empty when available). */
  readonly reason: string;
}

export async function probePostgres(url: string = testPostgresUrl()): Promise<PostgresProbe> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { url, available: true, reason: '' };
  } catch (error) {
    return { url, available: false, reason: messageOf(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Not `instanceof Error`: under jest's vm modules, errors from node_modules come from another realm. */
function messageOf(error: unknown): string {
  const message: unknown = typeof error === 'object' && error !== null && 'message' in error ? error.message : error;
  return String(message);
}

export function testPostgresUrl(): string {
  return process.env['KIERTO_TEST_POSTGRES_URL'] ?? DEFAULT_TEST_POSTGRES_URL;
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

export const postgres: PostgresProbe = await probePostgres();

if (!postgres.available) {
  const where = `PostgreSQL at ${redact(postgres.url)} is unreachable (${postgres.reason})`;
  if (process.env['KIERTO_REQUIRE_POSTGRES'] === '1') {
    throw new Error(
      `${where}, and KIERTO_REQUIRE_POSTGRES=1 requires it. Start the server or fix KIERTO_TEST_POSTGRES_URL.`,
    );
  }
  console.warn(
    `${where}: PostgreSQL suites are SKIPPED. Start a server, point KIERTO_TEST_POSTGRES_URL at it ` +
      `(default ${DEFAULT_TEST_POSTGRES_URL}), and set KIERTO_REQUIRE_POSTGRES=1 to make this a failure.`,
  );
}

/** `describe` when PostgreSQL is reachable, `describe.skip` otherwise. */
export const describeIfPostgres: (name: string, fn: () => void) => void = postgres.available ? describe : describe.skip;

/** A fresh, unused schema name; the store under test creates the schema on init(). */
export function createTestSchema(prefix = 'kierto_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export async function dropTestSchema(schema: string, url: string = postgres.url): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new RangeError(`Refusing to drop schema ${JSON.stringify(schema)}`);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
