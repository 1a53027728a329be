import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';
import request from 'supertest';
import { datasetLines } from '../../bench/dataset.js';
import { setPrincipal } from '../../apps/api/src/access/principal.js';
import { EVENT_STORE } from '../../apps/api/src/event-store.provider.js';
import { IMPORT_BODY_LIMIT, ImportsController, type ImportResponse } from '../../apps/api/src/import/imports.controller.js';
import { SqliteEventStore } from '../../libs/event-store/src/sqlite/sqlite-event-store.js';

/** The controller alone, behind a stand-in for the auth guard (the full app wiring is the lead's). */
describe('POST /imports', () => {
  const store = new SqliteEventStore({ file: ':memory:' });
  let app: INestApplication;
  const principal = { organisation: { id: 'org-admin', name: 'Admin', roles: ['admin' as const], createdAt: '2025-01-01T00:00:00Z' }, keyId: 'key-9' };

  beforeAll(async () => {
    await store.init();
    const moduleRef = await Test.createTestingModule({
      controllers: [ImportsController],
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: IMPORT_BODY_LIMIT, useValue: 1_000_000 },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ bodyParser: false });
    app.use((req: Request, _res: Response, next: NextFunction) => {
      setPrincipal(req, principal);
      next();
    });
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('streams the NDJSON body, answers the summary and the error rows, and records the principal as actor', async () => {
    const lines = [...datasetLines(10, 5)].map((line) => JSON.stringify(line));
    const body = [lines[0], '{oops', ...lines.slice(1)].join('\n');
    const response = await request(app.getHttpServer() as Server)
      .post('/imports')
      .set('Content-Type', 'application/x-ndjson')
      .send(body)
      .expect(200);
    const answer = response.body as ImportResponse;
    expect(answer.summary).toMatchObject({ lines: lines.length + 1, imported: lines.length, duplicates: 0, refused: 1 });
    expect(answer.errors).toEqual([{ line: 2, deviceId: null, code: 'INVALID_JSON', field: '', message: expect.any(String) }]);
    expect(answer.errorsTruncated).toBe(false);
    const [first] = await store.readAll(0, 1);
    expect(first?.actor).toEqual({ organisationId: 'org-admin', role: 'admin', keyId: 'key-9' });
  });

  it('refuses a body that is not NDJSON', async () => {
    const controller = app.get(ImportsController);
    const fake = { is: () => false, header: () => undefined } as unknown as Request;
    await expect(controller.importEvents(fake)).rejects.toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});
