import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/** One Server-Sent Events message as a client sees it. */
export interface SseMessage {
  readonly id: string | null;
  readonly event: string | null;
  readonly data: string;
}

/**
 * A raw text/event-stream reader (supertest buffers whole answers, a stream never ends): opens the
 * request, parses messages as they arrive, and lets a test wait for the next ones.
 */
export class SseClient {
  readonly messages: SseMessage[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  private buffer = '';
  private readonly request: http.ClientRequest;
  private readonly waiters: (() => void)[] = [];
  private ended = false;

  /** `server` must be listening (`listening(server)`). */
  constructor(server: Server, path: string, headers: Record<string, string>) {
    const { port } = server.address() as AddressInfo;
    this.request = http.get({ host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream', ...headers } });
    this.request.on('response', (response) => {
      this.status = response.statusCode ?? 0;
      this.headers = response.headers;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => this.receive(chunk));
      response.on('end', () => this.end());
      response.on('error', () => this.end());
      this.notify();
    });
    this.request.on('error', () => this.end());
  }

  /** Resolves once `count` messages with data have arrived (or the stream ended, then rejects). */
  async waitFor(count: number, timeoutMs = 20_000): Promise<SseMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events().length < count) {
      if (this.ended) throw new Error(`the stream ended after ${this.events().length} events`);
      if (Date.now() > deadline) throw new Error(`only ${this.events().length} of ${count} events arrived`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events();
  }

  /** Messages carrying data (not the retry: preamble or keep-alive comments). */
  events(): SseMessage[] {
    return this.messages.filter((message) => message.data !== '');
  }

  /** Whether the server ended the stream (or the connection dropped). */
  get isEnded(): boolean {
    return this.ended;
  }

  close(): void {
    this.request.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end = this.buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.messages.push(parseBlock(block));
      end = this.buffer.indexOf('\n\n');
    }
    this.notify();
  }

  private end(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** Makes the application's server listen on a loopback port, once (supertest alone listens per request). */
export async function listening(server: Server): Promise<void> {
  if (server.listening) return;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
}

function parseBlock(block: string): SseMessage {
  let id: string | null = null;
  let event: string | null = null;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return { id, event, data: data.join('\n') };
}
