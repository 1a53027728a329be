import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import Database from 'better-sqlite3';
import request from 'supertest';
import { ArrayEventStore, buildChain } from '#kierto/audit/testing';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { newEvent } from '#kierto/event-store/testing';
import { loadConfig } from '../config.js';
import { EventStoreModule } from '../event-store.module.js';
import { ErrorFilter } from '../http/error.filter.js';
import { JsonLogger } from '../http/json-logger.js';
import { requestContext } from '../http/request-context.js';
import { VerifyChainHandler } from './audit-queries.js';
import { AuditModule } from './audit.module.js';

const LAPTOP = 'gtin:09506000134352:LAP-0001';
const PHONE = 'mfr:Fairphone:FP-0001';

@Module({})
class AuditTestApp {}

let dir: string;
let app: INestApplication;
let http: Server;

/** Only what the audit feature needs: CQRS, the global store module, the error filter, AuditModule. */
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kierto-audit-api-'));
  const store = new SqliteEventStore({ file: join(dir, 'kierto.sqlite') });
  await store.init();
  await store.append(
    LAPTOP,
    [
      newEvent({
        type: 'DevicePlacedOnMarket',
        actor: { organisationId: 'org-maker', role: 'producer', keyId: 'k-1' },
      }),
    ],
    'no-stream',
  );
  await store.append(PHONE, [newEvent()], 'no-stream');
  await store.append(LAPTOP, [newEvent({ type: 'DeviceCollected' })], 0);
  const logger = new JsonLogger('silent');
  app = await NestFactory.create(
    {
      module: AuditTestApp,
      imports: [CqrsModule.forRoot(), EventStoreModule.of(store, loadConfig({ KIERTO_DATA_DIR: dir })), AuditModule],
    },
    { logger: false },
  );
  app.use(requestContext(logger));
  app.useGlobalFilters(new ErrorFilter(logger));
  await app.init();
  http = app.getHttpServer() as Server;
});

afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

function tamper(sql: string): void {
  const db = new Database(join(dir, 'kierto.sqlite'));
  try {
    db.prepare(sql).run();
  } finally {
    db.close();
  }
}

describe('GET /audit/verify', () => {
  it('answers intact with position, head hash and count', async () => {
    const response = await request(http).get('/audit/verify').expect(200);
    expect(response.body).toEqual({
      ok: true,
      position: 3,
      headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      events: 3,
      streamLookups: 0,
    });
  });

  it('answers the first failing position and why, as the CLI does', async () => {
    tamper(`UPDATE events SET actor_organisation_id = 'org-impostor' WHERE global_position = 2`);
    const response = await request(http).get('/audit/verify').expect(200);
    expect(response.body).toMatchObject({ ok: false, position: 2, reason: 'hash-mismatch', verifiedUpTo: 1 });
  });

  it('lets concurrent requests share one run instead of scanning the store twice', async () => {
    const store = new ArrayEventStore(buildChain([{ streamId: LAPTOP }, { streamId: LAPTOP }]));
    let scans = 0;
    const headPosition = store.headPosition.bind(store);
    store.headPosition = () => {
      scans += 1;
      return headPosition();
    };
    const handler = new VerifyChainHandler(store);
    const [a, b] = await Promise.all([handler.execute(), handler.execute()]);
    expect(a).toBe(b);
    expect(scans).toBe(1);
    await handler.execute();
    expect(scans).toBe(2);
  });
});

describe('GET /audit/devices/:deviceId/history', () => {
  it("answers the device's events in order with actors, hashes and their validity", async () => {
    const response = await request(http).get(`/audit/devices/${LAPTOP}/history`).expect(200);
    expect(response.body.deviceId).toBe(LAPTOP);
    expect(
      response.body.events.map((e: Record<string, unknown>) => [
        e['globalPosition'],
        e['streamRevision'],
        e['type'],
        (e['actor'] as { organisationId: string }).organisationId,
        e['hashValid'],
      ]),
    ).toEqual([
      [1, 0, 'DevicePlacedOnMarket', 'org-maker', true],
      [3, 1, 'DeviceCollected', 'org-collector', true],
    ]);
    expect(response.body.events[1].prevHash).toMatch(/^[0-9a-f]{64}$/);
    expect(response.body.events[1].hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('flags an event changed in the database', async () => {
    tamper(`UPDATE events SET occurred_at = '2019-01-01T00:00:00.000Z' WHERE global_position = 3`);
    const response = await request(http).get(`/audit/devices/${LAPTOP}/history`).expect(200);
    expect(response.body.events.map((e: { hashValid: boolean }) => e.hashValid)).toEqual([true, false]);
  });

  it('answers 404 in the error shape for an unknown device, 400 for a malformed id', async () => {
    const missing = await request(http).get('/audit/devices/gtin:09506000134352:NOPE/history').expect(404);
    expect(missing.body).toEqual({
      error: {
        status: 404,
        code: 'DEVICE_NOT_FOUND',
        message: 'No device gtin:09506000134352:NOPE is registered',
        correlationId: expect.any(String),
      },
    });
    const malformed = await request(http).get('/audit/devices/not-a-device/history').expect(400);
    expect(malformed.body.error).toMatchObject({
      status: 400,
      code: 'INVALID_DEVICE_ID',
      fields: [{ field: 'deviceId', code: 'INVALID_DEVICE_ID' }],
    });
  });
});

describe('OpenAPI', () => {
  it('documents both audit routes', () => {
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().setOpenAPIVersion('3.1.0').build());
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/audit/verify', '/audit/devices/{deviceId}/history']),
    );
  });
});
