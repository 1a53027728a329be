import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import request, { type Test } from 'supertest';
import type { ApiConfig } from '../../apps/api/src/config.js';
import { createApp } from '../../apps/api/src/create-app.js';
import type { JsonLogger } from '../../apps/api/src/http/json-logger.js';
import { createKey, type AccessStore, type Role } from '#kierto/access';
import { lifespanTable } from '#kierto/domain';
import type { EventStore } from '#kierto/event-store';

/** Requests with an API key: `get`/`post`/… as supertest, the Authorization header set before sending. */
export interface Client {
  get(path: string): Test;
  post(path: string): Test;
  put(path: string): Test;
  delete(path: string): Test;
}

export interface TestApp {
  readonly http: Server;
  readonly store: EventStore;
  readonly access: AccessStore;
  /**
   * Acts as whoever the route needs (see `actingFor`): the tests of devices, passports and statistics
   * are about those, not about keys; test/api/access.e2e-spec.ts is about keys and roles.
   */
  readonly api: Client;
  /** Acts as organisation `id` holding `roles` (created on first use, one key per organisation). */
  as(id: string, ...roles: Role[]): Client;
  /** A valid token of organisation `id` (created with `roles` on first use). */
  tokenOf(id: string, ...roles: Role[]): Promise<string>;
  close(): Promise<void>;
}

/** The organisation a request acts as, by method and route, for `TestApp.api`. */
export function actingFor(method: string, path: string, body: unknown): { id: string; role: Role } {
  const field = (name: string): string | null => {
    const value = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
    return typeof value === 'string' && value !== '' ? value : null;
  };
  const route = path.split('?')[0] ?? path;
  if (method === 'POST') {
    if (route === '/devices') return { id: field('producerId') ?? 'test-producer', role: 'producer' };
    if (route.endsWith('/collections')) return { id: 'test-collector', role: 'collector' };
    if (route.endsWith('/data-wipes') || route.endsWith('/resales'))
      return { id: 'test-refurbisher', role: 'refurbisher' };
    if (route.endsWith('/repairs')) return { id: 'test-repairer', role: 'repairer' };
    if (route.endsWith('/recycling')) return { id: 'test-recycler', role: 'recycler' };
    if (route.endsWith('/memberships') || route.endsWith('/departures')) {
      return { id: field('organisationId') ?? 'test-producer-organisation', role: 'producer-organisation' };
    }
    return { id: 'test-admin', role: 'admin' };
  }
  if (route.startsWith('/organisations')) return { id: 'test-admin', role: 'admin' };
  return { id: 'test-auditor', role: 'auditor' };
}

/** The real application on a fresh store: SQLite in a temp folder, or PostgreSQL when given a URL. */
export async function startTestApp(overrides: Partial<ApiConfig> = {}, logger?: JsonLogger): Promise<TestApp> {
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
    rateLimitPerMinute: 100_000,
    anonymousRateLimitPerMinute: 100_000,
    // Many suites send bad keys on purpose; test/api/auth-failures.e2e-spec.ts tests these limits.
    failedAuthPerAddressPerMinute: 100_000,
    failedAuthPerKeyPerMinute: 100_000,
    sessionMaxAgeMinutes: 720,
    sessionIdleMinutes: 60,
    reportingTimeZone: 'UTC',
    weeeLifespans: lifespanTable(undefined),
    runProjector: true,
    projectionWaitMs: 5_000,
    leaderPollMs: 200,
    leaderKeepAliveSeconds: 10,
    readyMaxLag: 10_000,
    metrics: true,
    publicUrl: null,
    signingKeyFile: null,
    trustProxy: false,
    webhookAllowPrivate: false,
    webhookMaxFailures: 10,
    webhookRetryBaseMs: 2_000,
    webhookTimeoutMs: 10_000,
    // A test that traces registers its own provider (test/operations/tracing.e2e-spec.ts).
    tracing: null,
    ...overrides,
  };
  const { app, store, access } = await createApp(config, logger);
  await app.init();
  const http = app.getHttpServer() as Server;
  const tokens = new Map<string, Promise<string>>();

  const tokenOf = (id: string, ...roles: Role[]): Promise<string> => {
    let token = tokens.get(id);
    if (token === undefined) {
      token = (async () => {
        const now = new Date();
        const existing = await access.getOrganisation(id);
        if (existing === null)
          await access.createOrganisation({ id, name: `Test ${id}`, roles, createdAt: now.toISOString() });
        else if (!roles.every((role) => existing.roles.includes(role)))
          throw new Error(`test organisation ${id} exists without ${roles.join(', ')}`);
        return (await createKey(access, id, { label: 'test', expiresAt: null, now })).token;
      })();
      tokens.set(id, token);
    }
    return token;
  };

  /** Sets the Authorization header when the request is awaited, once the body (which may name the organisation) is known. */
  const client = (
    identity: (method: string, path: string, body: unknown) => { id: string; roles: readonly Role[] },
  ): Client => {
    const make = (method: 'get' | 'post' | 'put' | 'delete', path: string): Test => {
      const test = request(http)[method](path);
      let body: unknown;
      const send = test.send.bind(test);
      test.send = (data) => {
        body = data;
        return send(data);
      };
      const then = test.then.bind(test);
      test.then = ((resolve, reject) => {
        const { id, roles } = identity(method.toUpperCase(), path, body);
        return tokenOf(id, ...roles).then((token) => {
          test.set('Authorization', `Bearer ${token}`);
          return then(resolve, reject);
        }, reject);
      }) as Test['then'];
      return test;
    };
    return {
      get: (path) => make('get', path),
      post: (path) => make('post', path),
      put: (path) => make('put', path),
      delete: (path) => make('delete', path),
    };
  };

  return {
    http,
    store,
    access,
    api: client((method, path, body) => {
      const { id, role } = actingFor(method, path, body);
      return { id, roles: [role] };
    }),
    as: (id, ...roles) => client(() => ({ id, roles })),
    tokenOf,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What a refused request must leave as it was: the event head, the organisations and their keys. */
export async function storeSnapshot(app: TestApp): Promise<unknown> {
  const organisations = await app.access.listOrganisations();
  const keys = await Promise.all(organisations.map((organisation) => app.access.listKeys(organisation.id)));
  return { head: await app.store.headPosition(), organisations, keys };
}

/** The request bodies of the README walk-through, read from examples/ so the docs are tested. */
export function example(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../examples/${name}.json`, import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
}

export const LAPTOP_ID = 'gtin:09506000134352:LAP-0001';
