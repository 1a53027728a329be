import { expect } from '@jest/globals';
import { validateDocument, type DocumentName } from '#kierto/schemas';
import type { Body, Recorded } from './lifecycle.js';
import type { Client } from './test-app.js';

/**
 * Reads the statistics over the real API after every write it was told of (`?minPosition=`), and
 * holds each answer to its document schema: what the statistics suites share.
 */
export class StatisticsReader {
  /** The global position of the last event recorded so far: queries wait for it. */
  head = 0;

  constructor(private readonly api: Client) {}

  track(recorded: Recorded): Recorded {
    this.head = Math.max(this.head, recorded.position);
    return recorded;
  }

  async get(path: string, query: Record<string, string | number>, document: DocumentName): Promise<Body> {
    const response = await this.api.get(`/statistics/${path}`).query({ minPosition: this.head, ...query });
    expect({ status: response.status, error: response.body.error }).toEqual({ status: 200, error: undefined });
    const validation = validateDocument(document, response.body);
    expect(validation.ok ? [] : validation.errors).toEqual([]);
    return response.body as Body;
  }
}
