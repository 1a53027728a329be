/** The EventStoreDB mapping without a server: names, revisions, positions, envelope, records, errors. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  ANY,
  AccessDeniedError,
  AppendRecordSizeExceededError,
  DeadlineExceededError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  StreamNotFoundError,
  TransactionMaxSizeExceededError,
  UnavailableError,
  UnsupportedError,
  WrongExpectedVersionError,
} from '@kurrent/kurrentdb-client';
import type { EventData } from '@kurrent/kurrentdb-client';
import {
  BatchTooLargeError,
  ConcurrencyError,
  DuplicateEventIdError,
  EventTooLargeError,
  StoreUnavailableError,
} from '../errors.js';
import { GENESIS_HASH, hashEvent, sealEvent } from '../hash-chain.js';
import type { StoredEvent } from '../port.js';
import { newEvent } from '../testing/contract.js';
import {
  ENVELOPE_KEY,
  INDEX_EVENT_TYPE,
  IntegrityError,
  LOG_EVENT_TYPE,
  describeEndpoint,
  describeStreamState,
  deviceEventData,
  indexEventData,
  isStreamNotFound,
  isWrongExpectedVersion,
  logEventData,
  logRevisionOfPosition,
  markerEventData,
  nativeEventId,
  parseIndexEntry,
  parseLogEntry,
  parseMarkerFormat,
  positionOfLogRevision,
  revisionOfState,
  stateBefore,
  storedEventFromRecorded,
  streamNames,
  toStreamState,
  translateError,
  uuidV5,
} from './mapping.js';
import type { ErrorContext, RecordedLike } from './mapping.js';

const names = streamNames('t1-');

/** A sealed event as the adapter would store it at this place in the log. */
function sealed(overrides: Partial<StoredEvent> = {}): StoredEvent {
  const { hash: _ignored, ...rest } = {
    ...newEvent(),
    streamId: 'gtin:09506000134352:LAP-0001',
    streamRevision: 3,
    globalPosition: 17,
    recordedAt: '2031-05-06T07:08:09.123Z',
    prevHash: 'a'.repeat(64),
    hash: '',
    ...overrides,
  };
  return sealEvent(rest);
}

/**
 * What the client hands back for a record written as `data`: the JSON round trip the wire does,
 * plus the `$`-prefixed properties KurrentDB adds to multi-stream appends' metadata.
 */
function recordedFrom(streamName: string, revision: number, data: EventData): RecordedLike {
  const metadata = data.metadata === undefined ? undefined : (JSON.parse(JSON.stringify(data.metadata)) as unknown);
  return {
    streamId: streamName,
    revision: BigInt(revision),
    type: data.type,
    data: JSON.parse(JSON.stringify(data.data)) as unknown,
    metadata:
      metadata === undefined
        ? undefined
        : {
            ...(metadata as object),
            '$record.timestamp': '2031-05-06T07:08:09.2Z',
            '$schema.name': data.type,
            '$schema.format': 'Json',
          },
  };
}

const context: ErrorContext = { names, endpoint: 'db.example:2113' };
/** The client's typings want a gRPC ServiceError; these errors are built from details alone. */
const noGrpcError = undefined as unknown as ConstructorParameters<typeof AppendRecordSizeExceededError>[0];

describe('EventStoreDB mapping', () => {
  describe('stream names', () => {
    it('names a device stream by the device id as given, after the prefix', () => {
      expect(streamNames().device('gtin:09506000134352:LAP-0001')).toBe('gtin:09506000134352:LAP-0001');
      expect(names.device('device-a')).toBe('t1-device-a');
      expect(names.log).toBe('t1-kierto-log');
      expect(names.marker).toBe('t1-kierto-store');
      expect(names.eventIndex('e-1')).toBe('t1-kierto-event-e-1');
      expect(names.streamIdOf('t1-device-a')).toBe('device-a');
    });

    it("never maps Kierto's own or foreign streams to a device", () => {
      expect(names.streamIdOf(names.log)).toBeNull();
      expect(names.streamIdOf(names.eventIndex('x'))).toBeNull();
      expect(names.streamIdOf('other-device-a')).toBeNull();
      expect(names.streamIdOf('t1-')).toBeNull();
      expect(() => names.device('kierto-log')).toThrow(RangeError);
      expect(() => names.device('$ce-device')).toThrow(RangeError);
      expect(() => names.device('')).toThrow(TypeError);
      expect(() => streamNames('$x')).toThrow(RangeError);
    });
  });

  describe('expected revisions and stream states', () => {
    it("maps 'no-stream' to NO_STREAM, n to BigInt(n) and 'any' to ANY", () => {
      expect(toStreamState('no-stream')).toBe(NO_STREAM);
      expect(toStreamState(0)).toBe(0n);
      expect(toStreamState(41)).toBe(41n);
      expect(toStreamState('any')).toBe(ANY);
      expect(() => toStreamState(-1)).toThrow(RangeError);
      expect(() => toStreamState(1.5)).toThrow(RangeError);
    });

    it('gives the exact state a stream must be in before a revision is written', () => {
      expect(stateBefore(0)).toBe(NO_STREAM);
      expect(stateBefore(1)).toBe(0n);
      expect(stateBefore(8)).toBe(7n);
    });

    it("describes states in the port's words and reads the server's current state as a revision", () => {
      expect(describeStreamState(NO_STREAM)).toBe('no-stream');
      expect(describeStreamState(ANY)).toBe('any');
      expect(describeStreamState('stream_exists')).toBe('stream-exists');
      expect(describeStreamState(7n)).toBe('7');
      expect(revisionOfState(NO_STREAM)).toBe(-1);
      expect(revisionOfState(12n)).toBe(12);
      expect(() => revisionOfState(2n ** 60n)).toThrow(RangeError);
    });
  });

  describe('positions', () => {
    it('puts global position p at log revision p - 1, both ways', () => {
      expect(positionOfLogRevision(0n)).toBe(1);
      expect(positionOfLogRevision(99n)).toBe(100);
      expect(logRevisionOfPosition(1)).toBe(0n);
      expect(logRevisionOfPosition(100)).toBe(99n);
      for (const position of [1, 2, 1234, Number.MAX_SAFE_INTEGER]) {
        expect(positionOfLogRevision(logRevisionOfPosition(position))).toBe(position);
      }
      expect(() => logRevisionOfPosition(0)).toThrow(RangeError);
      expect(() => positionOfLogRevision(2n ** 53n)).toThrow(RangeError);
    });
  });

  describe('event ids', () => {
    it('uses a lower-case UUID as the native id and derives a UUID for anything else', () => {
      const id = randomUUID();
      expect(nativeEventId(id)).toBe(id);
      const upper = id.toUpperCase();
      expect(nativeEventId(upper)).not.toBe(id);
      expect(nativeEventId(upper)).toBe(nativeEventId(upper));
      expect(nativeEventId('import-row-17')).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    });

    it('computes RFC 9562 name-based UUIDs (v5)', () => {
      // The RFC's DNS namespace example.
      expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
        '2ed6657d-e927-568b-95e1-2665a8aea6a2',
      );
    });
  });

  describe('the envelope in metadata', () => {
    it('round-trips every field, so the hash recomputes to the stored one', () => {
      const event = sealed({
        causationId: 'cause-1',
        metadata: { idempotencyKey: 'k-1', nested: { list: [1, 'two', null] } },
        data: {
          zeta: 'ääkköset ✓ 𝄞 "quoted" \\ back\nslash',
          alpha: [1, -0.5, 0.1, 1e21, 1.5e-7, 12345678901234, true, false, null],
          nested: { b: { c: [] }, a: {}, '': 'empty key', ä: 1 },
        },
      });
      const data = deviceEventData(event);
      expect(data).toMatchObject({ id: event.eventId, type: event.type, contentType: 'application/json' });
      // multiStreamAppend takes string values only.
      expect(Object.values(data.metadata as object).every((value) => typeof value === 'string')).toBe(true);

      const read = storedEventFromRecorded(recordedFrom('t1-gtin:09506000134352:LAP-0001', 3, data), names);
      expect(read).toEqual(event);
      const { hash, ...unhashed } = read;
      expect(hashEvent(unhashed)).toBe(hash);
      expect(Object.keys(read).sort()).toEqual(Object.keys(event).sort());
    });

    it('keeps a null causationId null and accepts the envelope handed back already parsed', () => {
      const event = sealed({ streamId: 'device-a', streamRevision: 0, globalPosition: 1, prevHash: GENESIS_HASH });
      const recorded = recordedFrom('t1-device-a', 0, deviceEventData(event));
      expect(storedEventFromRecorded(recorded, names).causationId).toBeNull();
      const metadata = recorded.metadata as Record<string, string>;
      const parsed = { ...recorded, metadata: { [ENVELOPE_KEY]: JSON.parse(metadata[ENVELOPE_KEY] ?? '') as unknown } };
      expect(storedEventFromRecorded(parsed, names)).toEqual(event);
    });

    it('refuses records that are not the Kierto event their envelope names', () => {
      const event = sealed({ streamId: 'device-a', streamRevision: 2 });
      const recorded = recordedFrom('t1-device-a', 2, deviceEventData(event));
      expect(() => storedEventFromRecorded({ ...recorded, revision: 3n }, names)).toThrow(IntegrityError);
      expect(() => storedEventFromRecorded({ ...recorded, streamId: 't1-device-b' }, names)).toThrow(IntegrityError);
      expect(() => storedEventFromRecorded({ ...recorded, metadata: undefined }, names)).toThrow(/no Kierto envelope/);
      expect(() => storedEventFromRecorded({ ...recorded, metadata: { [ENVELOPE_KEY]: '{not json' } }, names)).toThrow(
        IntegrityError,
      );
      expect(() => storedEventFromRecorded({ ...recorded, data: [1, 2] }, names)).toThrow(/JSON object/);
      const wrongFormat = {
        [ENVELOPE_KEY]: (recorded.metadata as Record<string, string>)[ENVELOPE_KEY]?.replace(
          '"format":1',
          '"format":2',
        ),
      };
      expect(() => storedEventFromRecorded({ ...recorded, metadata: wrongFormat }, names)).toThrow(/format 2/);
    });
  });

  describe('log, index and marker records', () => {
    it('writes and reads the log record of a position', () => {
      const event = sealed();
      const data = logEventData(event);
      expect(data.type).toBe(LOG_EVENT_TYPE);
      expect(data.metadata).toBeUndefined();
      expect(logEventData(event).id).toBe(data.id);
      expect(parseLogEntry(recordedFrom(names.log, 16, data))).toEqual({
        eventId: event.eventId,
        streamId: event.streamId,
        streamRevision: 3,
        hash: event.hash,
      });
    });

    it("writes and reads an event id's index record", () => {
      const event = sealed();
      const data = indexEventData(event);
      expect(data.type).toBe(INDEX_EVENT_TYPE);
      expect(data.id).not.toBe(logEventData(event).id);
      expect(parseIndexEntry(recordedFrom(names.eventIndex(event.eventId), 0, data))).toEqual({
        streamId: event.streamId,
        streamRevision: 3,
        globalPosition: 17,
      });
    });

    it('refuses a record of another type and reads the marker format', () => {
      const log = recordedFrom(names.log, 0, logEventData(sealed()));
      expect(() => parseIndexEntry(log)).toThrow(IntegrityError);
      expect(() => parseLogEntry({ ...log, data: { eventId: 1 } })).toThrow(/eventId is not a string/);
      expect(parseMarkerFormat(recordedFrom(names.marker, 0, markerEventData()))).toBe(1);
      expect(() => parseMarkerFormat(log)).toThrow(IntegrityError);
    });
  });

  describe('error translation', () => {
    it('maps the raw gRPC code-14 error that appends raise to StoreUnavailableError', () => {
      const raw = Object.assign(
        new Error('14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2113.'),
        { code: 14, details: 'No connection established', metadata: {} },
      );
      const mapped = translateError(raw, context);
      expect(mapped).toBeInstanceOf(StoreUnavailableError);
      expect(mapped).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect((mapped as Error).message).toBe(
        'EventStoreDB at db.example:2113 is unavailable: 14 UNAVAILABLE: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:2113.',
      );
    });

    it("maps the library's UnavailableError that reads raise, whose message says nothing, to a readable one", () => {
      const mapped = translateError(new UnavailableError(), context);
      expect(mapped).toBeInstanceOf(StoreUnavailableError);
      expect((mapped as Error).message).toBe(
        'EventStoreDB at db.example:2113 is unavailable: no connection to the server',
      );
      // As the native bridge raises it: a plain Error named UnavailableError, possibly from another realm.
      const bridge = Object.assign(new Error('UnavailableError'), { name: 'UnavailableError' });
      expect(translateError(bridge, context)).toBeInstanceOf(StoreUnavailableError);
      expect(translateError(new DeadlineExceededError(), context)).toBeInstanceOf(StoreUnavailableError);
      expect(
        translateError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), context),
      ).toBeInstanceOf(StoreUnavailableError);
    });

    it('maps a wrong expected version on a device stream to ConcurrencyError', () => {
      const stale = new WrongExpectedVersionError(undefined, { streamName: 't1-device-a', expected: 0n, current: 2n });
      expect(isWrongExpectedVersion(stale)).toBe(true);
      const mapped = translateError(stale, context);
      expect(mapped).toBeInstanceOf(ConcurrencyError);
      expect(mapped).toMatchObject({ code: 'CONCURRENCY_CONFLICT', streamId: 'device-a', expected: '0', actual: 2 });
      const exists = new WrongExpectedVersionError(undefined, {
        streamName: 't1-device-b',
        expected: NO_STREAM,
        current: 0n,
      });
      expect(translateError(exists, context)).toMatchObject({ streamId: 'device-b', expected: 'no-stream', actual: 0 });
      const missing = new WrongExpectedVersionError(undefined, {
        streamName: 't1-device-c',
        expected: 4n,
        current: NO_STREAM,
      });
      expect(translateError(missing, context)).toMatchObject({ streamId: 'device-c', expected: '4', actual: -1 });
    });

    it('maps lasting contention on the log or an index stream to StoreUnavailableError, not a conflict', () => {
      const onLog = new WrongExpectedVersionError(undefined, { streamName: names.log, expected: 9n, current: 12n });
      const mapped = translateError(onLog, context);
      expect(mapped).toBeInstanceOf(StoreUnavailableError);
      expect((mapped as Error).message).toMatch(/t1-kierto-log/);
      const onIndex = new WrongExpectedVersionError(undefined, {
        streamName: names.eventIndex('e'),
        expected: NO_STREAM,
        current: 0n,
      });
      expect(translateError(onIndex, context)).toBeInstanceOf(StoreUnavailableError);
    });

    it('maps the size errors to BatchTooLargeError and EventTooLargeError', () => {
      const maxAppend = translateError(MaxAppendSizeExceededError.fromMaxAppendSize(1_048_576), context);
      expect(maxAppend).toBeInstanceOf(BatchTooLargeError);
      expect((maxAppend as Error).message).toMatch(/MaxAppendSize of 1048576 bytes/);
      const transaction = translateError(
        new TransactionMaxSizeExceededError(noGrpcError, { size: 2_000_000, maxSize: 1_048_576 }),
        context,
      );
      expect(transaction).toBeInstanceOf(BatchTooLargeError);
      expect((transaction as Error).message).toMatch(/2000000 bytes; the server accepts at most 1048576/);

      const eventId = 'import-row-17';
      const record = new AppendRecordSizeExceededError(noGrpcError, {
        stream: 't1-device-a',
        recordId: nativeEventId(eventId),
        size: 20_000_000,
        maxSize: 16_777_216,
      });
      const ids = new Map([[nativeEventId(eventId), eventId]]);
      const mapped = translateError(record, { ...context, eventIdOf: (id) => ids.get(id) });
      expect(mapped).toBeInstanceOf(EventTooLargeError);
      expect(mapped).toMatchObject({ eventId, bytes: 20_000_000, limit: 16_777_216 });
    });

    it('explains an old server, refused credentials and leaves everything else alone', () => {
      const unsupported = translateError(new UnsupportedError('multiStreamAppend', '25.1'), context);
      expect((unsupported as Error).message).toMatch(
        /does not support multiStreamAppend: Kierto needs KurrentDB 25.1 or later/,
      );
      const denied = translateError(new AccessDeniedError(undefined, 'Access denied'), context);
      expect((denied as Error).message).toMatch(/denied access .*credentials/);
      const portError = new DuplicateEventIdError('e-1');
      expect(translateError(portError, context)).toBe(portError);
      const other = new TypeError('something else');
      expect(translateError(other, context)).toBe(other);
      expect(translateError('a string', context)).toBe('a string');
    });

    it('recognises a missing stream', () => {
      expect(isStreamNotFound(new StreamNotFoundError(undefined, 't1-device-a'))).toBe(true);
      expect(isStreamNotFound(new UnavailableError())).toBe(false);
      expect(isStreamNotFound(null)).toBe(false);
    });

    it('names the server in messages without credentials or options', () => {
      expect(describeEndpoint('kurrentdb://admin:changeit@db1:2113,db2:2113?tls=false')).toBe('db1:2113,db2:2113');
      expect(describeEndpoint('esdb+discover://cluster.example:2113')).toBe('cluster.example:2113');
      expect(describeEndpoint('kurrentdb://127.0.0.1:1?tls=false')).toBe('127.0.0.1:1');
      expect(describeEndpoint('nonsense')).toBe('the configured server');
    });
  });
});
