/**
 * A simulated KurrentDB server for the three client calls the adapter makes (readStream,
 * multiStreamAppend, dispose), so the shared contract suite can exercise the adapter's own logic
 * (planning, retries, the log/index layout, readAll assembly) on machines without a server.
 *
 * It implements the server semantics the adapter relies on, as documented for KurrentDB 25.1:
 * per-stream revisions from 0; a multi-stream append checks every request's expected state and
 * then commits all records or none; reads of a missing stream fail with StreamNotFoundError;
 * multiStreamAppend takes string-valued metadata and hands it back parsed, next to the server's
 * `$`-prefixed properties. Errors are the client's own classes, or for an outage the two shapes
 * the real client produces (raw gRPC code 14 on appends, UnavailableError on reads).
 *
 * It is evidence about the adapter, not about KurrentDB: run the same suite against a real server
 * (KIERTO_TEST_EVENTSTORE_URL, see docs/eventstoredb.md) before trusting the adapter in production.
 */
import {
  ANY,
  BACKWARDS,
  END,
  FORWARDS,
  NO_STREAM,
  START,
  StreamNotFoundError,
  TransactionMaxSizeExceededError,
  UnavailableError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type {
  AppendStreamRequest,
  AppendStreamState,
  CurrentStreamState,
  EventType,
  MultiAppendResult,
  ReadStreamOptions,
  ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import type { KurrentClient } from '../eventstoredb-event-store.js';

interface SimulatedRecord {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly created: Date;
  readonly position: { readonly commit: bigint; readonly prepare: bigint };
}

/** The server default (MaxAppendSize, 1 MiB). */
const DEFAULT_MAX_APPEND_SIZE = 1_048_576;

export class InMemoryKurrentDB {
  private readonly streams = new Map<string, SimulatedRecord[]>();
  private logPosition = 0n;
  /** While true every call fails as the client fails against a server that is not there. */
  down = false;
  /** Runs after an append's expected states were sent and before the server checks them. */
  beforeCommit: (() => Promise<void>) | undefined;
  /** Appends refused for a wrong expected version. */
  conflicts = 0;
  /** Appends committed. */
  commits = 0;

  constructor(private readonly maxAppendSize = DEFAULT_MAX_APPEND_SIZE) {}

  /** A new client connection to this server. */
  client(): KurrentClient {
    let disposed = false;
    const assertUsable = (): void => {
      if (disposed) throw new Error('the simulated client was disposed');
    };
    return {
      readStream: <K extends EventType = EventType>(streamName: string, options?: ReadStreamOptions) => {
        assertUsable();
        return this.read<K>(streamName, options);
      },
      multiStreamAppend: <K extends EventType = EventType>(requests: AppendStreamRequest<K>[]) => {
        assertUsable();
        return this.append(requests);
      },
      dispose: () => {
        disposed = true;
        return Promise.resolve();
      },
    };
  }

  /** Names of the streams that exist, for layout assertions. */
  streamNames(): string[] {
    return [...this.streams.keys()];
  }

  private async *read<K extends EventType>(
    streamName: string,
    options: ReadStreamOptions = {},
  ): AsyncGenerator<ResolvedEvent<K>> {
    await tick();
    // The bridge's error: a plain UnavailableError whose message is its class name.
    if (this.down) throw new UnavailableError(undefined, 'UnavailableError');
    const records = this.streams.get(streamName);
    if (!records) throw new StreamNotFoundError(undefined, streamName);
    const direction = options.direction ?? FORWARDS;
    const maxCount = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromRevision ?? (direction === FORWARDS ? START : END);
    let selected: SimulatedRecord[];
    if (direction === BACKWARDS) {
      const last = from === END ? records.length - 1 : from === START ? 0 : Math.min(Number(from), records.length - 1);
      selected = records.slice(Math.max(0, last - maxCount + 1), last + 1).reverse();
    } else {
      const first = from === START ? 0 : from === END ? records.length : Number(from);
      selected = records.slice(first, first + maxCount);
    }
    for (const record of selected) {
      // Records are JSON events; the client types a read by the caller's event type parameter.
      const event = { ...record, isJson: true, data: record.data, metadata: record.metadata };
      yield { event } as ResolvedEvent<K>;
    }
  }

  private async append<K extends EventType>(requests: AppendStreamRequest<K>[]): Promise<MultiAppendResult> {
    // The client's own check (client 1.3.1, multiStreamAppend.js).
    for (const request of requests) {
      for (const event of request.events) {
        const { metadata } = event;
        if (metadata == null) continue;
        if (
          typeof metadata !== 'object' ||
          Array.isArray(metadata) ||
          metadata instanceof Uint8Array ||
          Object.values(metadata).some((v) => typeof v !== 'string')
        ) {
          throw new Error(
            'multiStreamAppend requires metadata to be a plain object with string keys and string values.',
          );
        }
      }
    }
    await tick();
    if (this.down) {
      // What grpc-js raises when no connection can be made: a plain Error with code 14.
      throw Object.assign(
        new Error('14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2113.'),
        {
          code: 14,
          details: 'No connection established',
        },
      );
    }
    if (this.beforeCommit) await this.beforeCommit();

    const seen = new Set<string>();
    for (const request of requests) {
      // Real servers' handling of one stream twice in a request is not something the adapter relies on.
      if (seen.has(request.streamName))
        throw new Error(`simulated server: ${request.streamName} appears twice in one append`);
      seen.add(request.streamName);
      const current = this.currentState(request.streamName);
      if (!matches(request.expectedState, current)) {
        this.conflicts += 1;
        throw new WrongExpectedVersionError(undefined, {
          streamName: request.streamName,
          expected: request.expectedState,
          current,
        });
      }
    }
    const size = requests
      .flatMap((request) => request.events)
      .reduce(
        (sum, event) =>
          sum + Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata ?? {})),
        0,
      );
    if (size > this.maxAppendSize) {
      const noGrpcError = undefined as unknown as ConstructorParameters<typeof TransactionMaxSizeExceededError>[0];
      throw new TransactionMaxSizeExceededError(noGrpcError, { size, maxSize: this.maxAppendSize });
    }

    const created = new Date();
    const responses = requests.map((request) => {
      const records = this.streams.get(request.streamName) ?? [];
      this.streams.set(request.streamName, records);
      for (const event of request.events) {
        this.logPosition += 1n;
        records.push({
          streamId: request.streamName,
          id: event.id,
          revision: BigInt(records.length),
          type: event.type,
          data: JSON.parse(JSON.stringify(event.data)) as unknown,
          metadata: {
            ...(event.metadata as Record<string, string> | undefined),
            '$record.timestamp': created.toISOString(),
            '$schema.name': event.type,
            '$schema.format': 'Json',
          },
          created,
          position: { commit: this.logPosition, prepare: this.logPosition },
        });
      }
      return { streamName: request.streamName, revision: BigInt(records.length - 1) };
    });
    this.commits += 1;
    return { position: this.logPosition, responses };
  }

  private currentState(streamName: string): CurrentStreamState {
    const records = this.streams.get(streamName);
    return records ? BigInt(records.length - 1) : NO_STREAM;
  }
}

function matches(expected: AppendStreamState, current: CurrentStreamState): boolean {
  if (expected === ANY) return true;
  if (expected === NO_STREAM) return current === NO_STREAM;
  if (expected === 'stream_exists') return current !== NO_STREAM;
  return current === expected;
}

/** One turn of the event loop: lets other clients' calls interleave, as network round trips do. */
function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
