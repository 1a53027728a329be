import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { ApiConfig } from '../../apps/api/src/config.js';
import { createApp } from '../../apps/api/src/create-app.js';
import type { EventStore } from '../../libs/event-store/src/port.js';

export interface TestApp {
  readonly http: Server;
  readonly store: EventStore;
  close(): Promise<void>;
}

/** The real application on a fresh store: SQLite in a temp folder, or PostgreSQL when given a URL. */
export async function startTestApp(overrides: Partial<ApiConfig> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kierto-api-'));
  const config: ApiConfig = {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    databaseUrl: null,
    databaseSchema: 'kierto',
    eventStoreUrl: null,
    bodyLimitBytes: 256 * 1024,
    logLevel: 'silent',
    rateLimitPerMinute: 600,
    anonymousRateLimitPerMinute: 120,
    reportingTimeZone: 'UTC',
    runProjector: true,
    projectionWaitMs: 5_000,
    ...overrides,
  };
  const { app, store } = await createApp(config);
  await app.init();
  return {
    http: app.getHttpServer() as Server,
    store,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The request bodies of the README walk-through, read from examples/ so the docs are tested. */
export function example(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

export const LAPTOP_ID = 'gtin:09506000134352:LAP-0001';
