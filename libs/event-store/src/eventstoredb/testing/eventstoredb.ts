/**
 * EventStoreDB / KurrentDB for test suites. No server runs on the build machines, so the suites
 * that need one are opt-in. Importing this module decides once:
 * - KIERTO_TEST_EVENTSTORE_URL unset: `describeIfEventStoreDb` is `describe.skip`, with a console
 *   warning that says why and how to run them (or, with KIERTO_REQUIRE_EVENTSTORE=1, the import
 *   throws, so CI where a server is promised cannot skip silently);
 * - set: the server is probed (one read); unreachable means the import throws with the reason,
 *   because whoever set the URL asked for these tests to run.
 * Each test uses its own stream prefix (`createTestStreamPrefix`), so runs never see each other's
 * streams and nothing needs deleting.
 */
import { randomBytes } from 'node:crypto';
import { describe } from '@jest/globals';
import { KurrentDBClient } from '@kurrent/kurrentdb-client';
import { describeEndpoint, isStreamNotFound, streamNames, translateError } from '../mapping.js';

export const EXAMPLE_TEST_EVENTSTORE_URL = 'kurrentdb://127.0.0.1:2113?tls=false';

export const HOW_TO_RUN =
  'Start a server (`docker compose up -d eventstoredb`) and run ' +
  `\`KIERTO_TEST_EVENTSTORE_URL='${EXAMPLE_TEST_EVENTSTORE_URL}' ` +
  "NODE_OPTIONS='--experimental-vm-modules --no-warnings=ExperimentalWarning' npx jest libs/event-store/src/eventstoredb`";

export interface EventStoreDbProbe {
  readonly url: string;
  readonly available: boolean;
  /** Why the suites cannot run (empty when they can). */
  readonly reason: string;
}

async function probe(url: string): Promise<EventStoreDbProbe> {
  let client: KurrentDBClient;
  try {
    client = KurrentDBClient.connectionString(url);
  } catch (error) {
    return { url, available: false, reason: `invalid connection string: ${messageOf(error)}` };
  }
  try {
    // A stream that does not exist: "not found" proves the server answered.
    for await (const _ of client.readStream(`kierto-probe-${randomBytes(4).toString('hex')}`, { maxCount: 1 })) break;
    return { url, available: true, reason: '' };
  } catch (error) {
    if (isStreamNotFound(error)) return { url, available: true, reason: '' };
    return {
      url,
      available: false,
      reason: messageOf(translateError(error, { names: streamNames(), endpoint: describeEndpoint(url) })),
    };
  } finally {
    await client.dispose();
  }
}

/** Not `instanceof Error`: errors from the native bridge come from another realm under jest. */
function messageOf(error: unknown): string {
  const message: unknown = typeof error === 'object' && error !== null && 'message' in error ? error.message : error;
  return String(message);
}

const url = process.env['KIERTO_TEST_EVENTSTORE_URL'] ?? '';

export const eventStoreDb: EventStoreDbProbe =
  url === '' ? { url, available: false, reason: 'KIERTO_TEST_EVENTSTORE_URL is not set' } : await probe(url);

if (!eventStoreDb.available) {
  if (url !== '') {
    throw new Error(
      `EventStoreDB suites cannot run: ${eventStoreDb.reason}. Start the server or unset KIERTO_TEST_EVENTSTORE_URL.`,
    );
  }
  if (process.env['KIERTO_REQUIRE_EVENTSTORE'] === '1') {
    throw new Error(`KIERTO_REQUIRE_EVENTSTORE=1 but ${eventStoreDb.reason}. ${HOW_TO_RUN}.`);
  }
  console.warn(
    `EventStoreDB contract suite SKIPPED: ${eventStoreDb.reason}, and this machine has no EventStoreDB server. ${HOW_TO_RUN}.`,
  );
}

/** `describe` when a server was configured and answered, `describe.skip` otherwise. */
export const describeIfEventStoreDb: (name: string, fn: () => void) => void = eventStoreDb.available
  ? describe
  : describe.skip;

/** A fresh prefix: the streams of one test (device streams and Kierto's own) start with it. */
export function createTestStreamPrefix(): string {
  return `kt${randomBytes(6).toString('hex')}.`;
}
