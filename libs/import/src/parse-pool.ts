/**
 * A small pool of worker threads that parse and validate import lines (parse-line.ts) while the
 * importer's own thread decides and appends. Lines go in chunks, round robin; each chunk's answer
 * comes back in the chunk's order, and the importer takes chunks in the order it sent them, so the
 * lines reach their batches exactly in file order (docs/adr/0034-import-parse-workers.md).
 *
 * The workers run the compiled parse-worker.js. When this module itself runs from its TypeScript
 * source (jest), that is the file `npm run build` writes to dist/ (npm ci runs the build).
 */
import { Worker } from 'node:worker_threads';
import type { StoreLimits } from '#kierto/event-store';
import type { ParsedLine } from './parse-line.js';

export interface ParseRequest {
  readonly id: number;
  readonly texts: readonly string[];
  /** The 1-based file line number of each text. */
  readonly lines: readonly number[];
}

export interface ParseReply {
  readonly id: number;
  readonly results: readonly ParsedLine[];
}

interface Waiting {
  readonly resolve: (results: readonly ParsedLine[]) => void;
  readonly reject: (error: Error) => void;
}

/** The compiled worker entry: next to this module in dist/, or in dist/ when running from the sources. */
export function parseWorkerUrl(): URL {
  if (!import.meta.url.endsWith('.ts')) return new URL('./parse-worker.js', import.meta.url);
  return new URL('../../../dist/libs/import/src/parse-worker.js', import.meta.url);
}

export class ParsePool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private failure: Error | null = null;
  private closing = false;

  constructor(size: number, limits: StoreLimits, script: URL = parseWorkerUrl()) {
    this.workers = [];
    try {
      for (let index = 0; index < size; index += 1) this.workers.push(this.start(script, limits));
    } catch (error) {
      // A worker that cannot be made: those already running would keep the process alive.
      this.closing = true;
      for (const worker of this.workers) void worker.terminate();
      throw error;
    }
  }

  private start(script: URL, limits: StoreLimits): Worker {
    const worker = new Worker(script, { workerData: { limits } });
    worker.on('message', (reply: ParseReply) => {
      const waiting = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      waiting?.resolve(reply.results);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`An import parse worker stopped (exit code ${code})`));
    });
    return worker;
  }

  /** Parses the lines on the next worker; resolves with one result per line, in order. */
  parse(texts: readonly string[], lines: readonly number[]): Promise<readonly ParsedLine[]> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId;
    this.nextId += 1;
    const worker = this.workers[id % this.workers.length];
    if (worker === undefined) return Promise.reject(new Error('The parse pool has no workers'));
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const request: ParseRequest = { id, texts, lines };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  /** A worker that fails (a module it cannot load, a crash) fails every chunk still waiting. */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(this.failure);
    this.waiting.clear();
  }
}
