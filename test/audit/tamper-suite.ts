/**
 * One tamper suite for every SQL adapter (docs/audit.md): someone with database access edits the events
 * table with raw SQL, and `verify` must name the first position that fails and why. Each adapter's
 * spec gives a fresh store and a Tamper bound to its tables (tamper-sqlite.spec.ts,
 * tamper-postgres.int-spec.ts).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  checkDeviceChain,
  createCheckpoint,
  generateSigningKeyPair,
  readPrivateKey,
  readPublicKey,
  verifyAgainstCheckpoint,
  verifyChain,
  type ChainVerdict,
  type SignedCheckpoint,
} from '#kierto/audit';
import { EVENT_COLUMNS } from '#kierto/event-store';
import { rowValues, type SqlValue } from '#kierto/event-store/testing';
import { hashEvent, sealEvent } from '#kierto/event-store';
import type { EventStore, StoredEvent } from '#kierto/event-store';
import { newEvent } from '#kierto/event-store/testing';

export type EventColumn = (typeof EVENT_COLUMNS)[number];

/** Raw edits of the events table; positions are global_position values. */
export interface Tamper {
  setColumn(position: number, column: EventColumn, value: SqlValue): Promise<void>;
  deleteAt(position: number): Promise<void>;
  deleteAfter(position: number): Promise<void>;
  /** Exchanges the positions of two rows (their content moves, the positions stay dense). */
  swap(a: number, b: number): Promise<void>;
  /** Moves every row from event.globalPosition on up by one and inserts the event's row there. */
  insert(event: StoredEvent): Promise<void>;
}

export interface TamperFixture {
  /** Initialised, empty. */
  readonly store: EventStore;
  readonly tamper: Tamper;
  readonly cleanup: () => Promise<void>;
}

/**
 * Tamper over a `run(sql, params)` with `?` placeholders. `afterWrite` lets an adapter keep its own
 * bookkeeping consistent with the edit (PostgreSQL's head row), as a careful attacker would.
 */
export function sqlTamper(
  run: (sql: string, params: SqlValue[]) => Promise<void>,
  table: string,
  afterWrite: () => Promise<void> = () => Promise.resolve(),
): Tamper {
  const exec = async (...statements: Array<[string, SqlValue[]]>): Promise<void> => {
    for (const [sql, params] of statements) await run(sql, params);
    await afterWrite();
  };
  // Unique positions are checked row by row in both databases, so a shift goes through negatives.
  const shiftUpFrom = (position: number): Array<[string, SqlValue[]]> => [
    [`UPDATE ${table} SET global_position = -global_position - 1 WHERE global_position >= ?`, [position]],
    [`UPDATE ${table} SET global_position = -global_position WHERE global_position < 0`, []],
  ];
  return {
    setColumn: (position, column, value) =>
      exec([`UPDATE ${table} SET ${column} = ? WHERE global_position = ?`, [value, position]]),
    deleteAt: (position) => exec([`DELETE FROM ${table} WHERE global_position = ?`, [position]]),
    deleteAfter: (position) => exec([`DELETE FROM ${table} WHERE global_position > ?`, [position]]),
    swap: (a, b) =>
      exec(
        [`UPDATE ${table} SET global_position = -1 WHERE global_position = ?`, [a]],
        [`UPDATE ${table} SET global_position = ? WHERE global_position = ?`, [a, b]],
        [`UPDATE ${table} SET global_position = ? WHERE global_position = -1`, [b]],
      ),
    insert: (event) =>
      exec(...shiftUpFrom(event.globalPosition), [
        `INSERT INTO ${table} (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`,
        rowValues(event),
      ]),
  };
}

const keys = generateSigningKeyPair();
const privateKey = readPrivateKey(keys.privateKeyPem, 'signing.pem');
const publicKey = readPublicKey(keys.publicKeyPem, 'signing.pem.pub');

const DEVICES = ['gtin:09506000134352:LAP-0001', 'gtin:09506000134352:LAP-0002', 'mfr:Fairphone:FP-0003'];
const EVENTS = 12;

export function tamperSuite(name: string, open: () => Promise<TamperFixture>): void {
  describe(`tampering with ${name} is detected`, () => {
    let fixture: TamperFixture;
    let store: EventStore;
    let tamper: Tamper;

    beforeEach(async () => {
      fixture = await open();
      ({ store, tamper } = fixture);
      // Twelve events over three devices, interleaved, each appended on its own.
      for (let i = 0; i < EVENTS; i += 1) {
        const device = DEVICES[i % DEVICES.length] ?? '';
        await store.append(device, [newEvent({ data: { step: i, weightKg: 1.5 + i } })], 'any');
      }
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    async function eventAt(position: number): Promise<StoredEvent> {
      const [event] = await store.readAll(position - 1, 1);
      if (event === undefined || event.globalPosition !== position) throw new Error(`no event at ${position}`);
      return event;
    }

    async function checkpoint(): Promise<SignedCheckpoint> {
      const outcome = await createCheckpoint(store, privateKey);
      if (!outcome.ok) throw new Error(`cannot sign: ${outcome.detail}`);
      return outcome.checkpoint;
    }

    /** A forged event for `position`, sealed consistently on the event before it. */
    async function forgedAt(position: number): Promise<StoredEvent> {
      const before = await eventAt(position - 1);
      const { hash: _hash, ...unsealed } = {
        ...newEvent({ type: 'DeviceDataWiped', data: { result: 'passed' } }),
        streamId: `gtin:09506000134352:FORGED-${randomUUID()}`,
        streamRevision: 0,
        globalPosition: position,
        recordedAt: before.recordedAt,
        prevHash: before.hash,
        hash: '',
      };
      return sealEvent(unsealed);
    }

    function expectBroken(verdict: ChainVerdict, position: number, reason: string): void {
      expect(verdict).toMatchObject({ ok: false, position, reason, verifiedUpTo: expect.any(Number) });
    }

    it('an untampered store verifies, and extends its checkpoint', async () => {
      expect(await verifyChain(store)).toMatchObject({ ok: true, position: EVENTS, events: EVENTS });
      const signed = await checkpoint();
      expect(await verifyAgainstCheckpoint(store, signed, publicKey)).toMatchObject({
        ok: true,
        checkpoint: { position: EVENTS },
      });
    });

    it('changed data: hash-mismatch at that event', async () => {
      await tamper.setColumn(5, 'data', JSON.stringify({ step: 4, weightKg: 0.5 }));
      expectBroken(await verifyChain(store), 5, 'hash-mismatch');
    });

    it('changed metadata (actor, recordedAt, metadata, type): hash-mismatch at that event', async () => {
      const changes: Array<[EventColumn, SqlValue]> = [
        ['actor_organisation_id', 'org-impostor'],
        ['actor_role', 'admin'],
        ['recorded_at', '2020-01-01T00:00:00.000Z'],
        ['metadata', JSON.stringify({ note: 'added later' })],
        ['type', 'DeviceRecycled'],
      ];
      for (const [index, [column, value]] of changes.entries()) {
        const position = 11 - index;
        await tamper.setColumn(position, column, value);
        expectBroken(await verifyChain(store), position, 'hash-mismatch');
      }
    });

    it('a changed event whose own hash was recomputed: broken link at the next event', async () => {
      const event = await eventAt(6);
      const data = { step: 5, weightKg: 99 };
      await tamper.setColumn(6, 'data', JSON.stringify(data));
      await tamper.setColumn(6, 'hash', hashEvent({ ...event, data }));
      expectBroken(await verifyChain(store), 7, 'broken-link');
    });

    /** What checkDeviceChain (the auditor's timeline) says of each event of the device at `position`. */
    async function deviceVerdicts(position: number): Promise<Array<[number, string]>> {
      const checked = await checkDeviceChain(store, DEVICES[(position - 1) % DEVICES.length] ?? '');
      return (checked?.events ?? []).map(({ event, check }) => [event.globalPosition, check.ok ? 'ok' : check.reason]);
    }

    it("the device's timeline: a changed event is hash-mismatch, its device's other events verify", async () => {
      await tamper.setColumn(5, 'data', JSON.stringify({ step: 4, weightKg: 0.5 }));
      expect(await deviceVerdicts(5)).toEqual([
        [2, 'ok'],
        [5, 'hash-mismatch'],
        [8, 'ok'],
        [11, 'ok'],
      ]);
    });

    it("the device's timeline: a changed event whose hash was recomputed is next-link", async () => {
      const event = await eventAt(9);
      const data = { step: 8, weightKg: 99 };
      await tamper.setColumn(9, 'data', JSON.stringify(data));
      await tamper.setColumn(9, 'hash', hashEvent({ ...event, data }));
      expect(await deviceVerdicts(9)).toEqual([
        [3, 'ok'],
        [6, 'ok'],
        [9, 'next-link'],
        [12, 'ok'],
      ]);
    });

    it("the device's timeline: a deleted event is a revision gap in its device, a position gap after it", async () => {
      await tamper.deleteAt(4);
      expect(await deviceVerdicts(4)).toEqual([
        [1, 'ok'],
        [7, 'revision-gap'],
        [10, 'revision-gap'],
      ]);
      expect(await deviceVerdicts(5)).toEqual([
        [2, 'ok'],
        [5, 'position-gap'],
        [8, 'ok'],
        [11, 'ok'],
      ]);
    });

    it('a deleted event: position-gap at its position', async () => {
      await tamper.deleteAt(4);
      expectBroken(await verifyChain(store), 4, 'position-gap');
    });

    it('an inserted event with a consistent hash of its own: broken link right after it', async () => {
      const forged = await forgedAt(8);
      expect(hashEvent(forged)).toBe(forged.hash);
      await tamper.insert(forged);
      expect((await eventAt(8)).eventId).toBe(forged.eventId);
      expectBroken(await verifyChain(store), 9, 'broken-link');
    });

    it('an inserted event with every later hash recomputed: passes on its own, fails the checkpoint', async () => {
      const signed = await checkpoint();
      await tamper.insert(await forgedAt(3));
      // Re-seal from the forged event on, as someone who knows the algorithm would.
      let previous = await eventAt(3);
      for (let position = 4; position <= EVENTS + 1; position += 1) {
        const event = await eventAt(position);
        const { hash: _hash, ...rest } = event;
        const resealed = sealEvent({ ...rest, globalPosition: position, prevHash: previous.hash });
        await tamper.setColumn(position, 'prev_hash', resealed.prevHash);
        await tamper.setColumn(position, 'hash', resealed.hash);
        previous = resealed;
      }
      expect(await verifyChain(store)).toMatchObject({ ok: true, position: EVENTS + 1 });
      expectBroken(await verifyAgainstCheckpoint(store, signed, publicKey), EVENTS, 'checkpoint-mismatch');
    });

    it('two events swapped: broken link at the first of them', async () => {
      await tamper.swap(5, 9);
      expectBroken(await verifyChain(store), 5, 'broken-link');
      await tamper.swap(5, 9);
      expect((await verifyChain(store)).ok).toBe(true);
      await tamper.swap(10, 11);
      expectBroken(await verifyChain(store), 10, 'broken-link');
    });

    it('a truncated tail: only a checkpoint can tell, and it does', async () => {
      const signed = await checkpoint();
      await tamper.deleteAfter(7);
      expect(await verifyChain(store)).toMatchObject({ ok: true, position: 7 });
      expectBroken(await verifyAgainstCheckpoint(store, signed, publicKey), 8, 'truncated');
    });
  });
}
