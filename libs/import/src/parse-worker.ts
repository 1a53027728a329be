/**
 * A parse worker (parse-pool.ts): parses and validates the import lines it is sent, in order, and
 * sends back each line parsed or refused. Runs compiled (dist/…/parse-worker.js) in a worker thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { StoreLimits } from '#kierto/event-store';
import { parseLine } from './parse-line.js';
import type { ParseReply, ParseRequest } from './parse-pool.js';

const { limits } = workerData as { readonly limits: StoreLimits };

parentPort?.on('message', (request: ParseRequest) => {
  const results = request.texts.map((text, index) => parseLine(text, request.lines[index] ?? 0, limits));
  const reply: ParseReply = { id: request.id, results };
  parentPort?.postMessage(reply);
});
