/**
 * `COPY … FROM STDIN` through a `pg` client without another dependency: a Submittable that sends the
 * COPY statement, answers the server's CopyInResponse with the whole payload (CopyData messages of
 * at most COPY_CHUNK_BYTES) and CopyDone, and settles once the server is ready for the next query.
 *
 * The payload is built in memory by the caller (one append batch, bounded by the store's
 * maxBatchBytes) as chunks (`CopyRows` writes the rows straight into them, never as one big string),
 * so there is no stream and no backpressure to manage here. COPY inside the append
 * transaction is as atomic as an INSERT: an error (a unique violation, say) aborts the transaction
 * and the server ignores whatever CopyData is still in flight.
 */
import { once } from 'node:events';
import type pg from 'pg';
import type { Connection, PoolClient, Submittable } from 'pg';

/**
 * What a COPY sends: chunks in memory (an append batch), or chunks produced as they are sent (a
 * stream of any length; the sender waits whenever the socket's buffer is full).
 */
export type CopyPayload = readonly Buffer[] | AsyncIterable<Buffer>;

/** Rows are written into chunks of this many bytes, each sent as one CopyData message. */
const COPY_CHUNK_BYTES = 256 * 1024;

/** The copy-in messages of pg's Connection, which @types/pg does not declare. */
interface CopyInConnection {
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

function isCopyInConnection(connection: Connection): connection is Connection & CopyInConnection {
  const candidate = connection as Connection & Partial<CopyInConnection>;
  return (
    typeof candidate.sendCopyFromChunk === 'function' &&
    typeof candidate.endCopyFrom === 'function' &&
    typeof candidate.sendCopyFail === 'function'
  );
}

/** What pg's Client calls on the active query; every handler a simple-protocol COPY can receive. */
class CopyIn implements Submittable {
  private error: unknown = null;
  private settled = false;
  rowCount = 0;

  constructor(
    private readonly text: string,
    private readonly payload: CopyPayload,
    private readonly done: (error: unknown, rowCount: number) => void,
  ) {}

  submit(connection: Connection): void {
    connection.query(this.text);
  }

  handleCopyInResponse(connection: Connection): void {
    // copyIn() checked the client's connection before submitting.
    if (!isCopyInConnection(connection)) return;
    const payload = this.payload;
    if (!isAsync(payload)) {
      for (const chunk of payload) connection.sendCopyFromChunk(chunk);
      connection.endCopyFrom();
      return;
    }
    void this.pump(connection, payload);
  }

  /** Sends chunks as they come, waiting for the socket to drain; a failing source aborts the COPY. */
  private async pump(connection: Connection & CopyInConnection, payload: AsyncIterable<Buffer>): Promise<void> {
    try {
      for await (const chunk of payload) {
        if (this.settled) return;
        connection.sendCopyFromChunk(chunk);
        if (connection.stream.writableNeedDrain) await once(connection.stream, 'drain');
      }
      connection.endCopyFrom();
    } catch (error) {
      // The server answers CopyFail with an error, which settles this COPY through handleError.
      connection.sendCopyFail(error instanceof Error ? error.message : String(error));
    }
  }

  handleCommandComplete(message: { text?: string }): void {
    const count = /^COPY (\d+)$/.exec(message.text ?? '')?.[1];
    this.rowCount = count === undefined ? 0 : Number(count);
  }

  /** pg calls this for a server error (then never calls handleReadyForQuery) and for a lost connection. */
  handleError(error: unknown): void {
    this.error = error;
    this.settle();
  }

  handleReadyForQuery(): void {
    this.settle();
  }

  // A COPY FROM STDIN answers with none of these; pg may still call them on a protocol surprise.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.done(this.error, this.rowCount);
  }
}

/** Runs `COPY <target> FROM STDIN` (text format) with the given payload; resolves with the rows copied. */
export function copyIn(client: PoolClient | pg.Client, copyStatement: string, payload: CopyPayload): Promise<number> {
  if (!isCopyInConnection(client.connection)) {
    return Promise.reject(new Error('This pg version offers no copy-in messages on its Connection'));
  }
  return new Promise<number>((resolve, reject) => {
    const copy = new CopyIn(copyStatement, payload, (error, rowCount) => {
      if (error === null) resolve(rowCount);
      // pg's DatabaseError as it came (code, constraint and detail are what the store maps).
      else reject(asError(error));
    });
    client.query(copy);
  });
}

function isAsync(payload: CopyPayload): payload is AsyncIterable<Buffer> {
  return Symbol.asyncIterator in payload;
}

/** Not `instanceof Error`: under jest's vm modules, errors from node_modules come from another realm. */
function asError(error: unknown): Error {
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return error as Error;
  }
  return new Error(String(error));
}

/**
 * One field in COPY's text format: `\N` for null, and the four characters COPY treats specially
 * (backslash, newline, carriage return, tab) as backslash escapes. Everything else goes as is.
 */
export function copyField(value: string | number | null): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(ESCAPED, (c) => COPY_ESCAPES[c] ?? c);
}

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPED = /[\\\n\r\t]/g;
const COPY_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Rows in COPY's text format written straight into fixed-size buffers, field by field: no string of
 * the whole batch and no copy of it into a buffer. A field longer than a chunk gets a buffer of its
 * own; CopyData messages need not end at a row's end.
 */
export class CopyRows {
  private readonly full: Buffer[] = [];
  private chunk = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
  private used = 0;

  /** One row; each value is a column's text, null for NULL. */
  add(fields: readonly (string | null)[]): void {
    fields.forEach((field, index) => {
      const text = copyField(field);
      // UTF-8 takes at most 3 bytes per UTF-16 unit; reserve one more byte for the tab or newline.
      this.reserve(text.length * 3 + 1);
      this.used += this.chunk.write(text, this.used, 'utf8');
      this.chunk[this.used] = index === fields.length - 1 ? NEWLINE : TAB;
      this.used += 1;
    });
  }

  /** The rows written so far, as the chunks to send. */
  chunks(): Buffer[] {
    return this.used === 0 ? [...this.full] : [...this.full, this.chunk.subarray(0, this.used)];
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.chunk.length) return;
    if (this.used > 0) this.full.push(this.chunk.subarray(0, this.used));
    this.chunk = Buffer.allocUnsafe(Math.max(COPY_CHUNK_BYTES, bytes));
    this.used = 0;
  }
}

const TAB = 0x09;
const NEWLINE = 0x0a;
