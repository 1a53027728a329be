import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { sealEvent } from '#kierto/event-store';
import type { StoredEvent } from '#kierto/event-store';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import { newEvent } from '#kierto/event-store/testing';
import {
  ChainBrokenError,
  UnknownDeviceError,
  exportDeviceBundle,
  serializeBundle,
  verifyBundle,
  type DeviceBundle,
} from './bundle.js';
import {
  createCheckpoint,
  generateSigningKeyPair,
  readPrivateKey,
  readPublicKey,
  signCheckpoint,
  type SignedCheckpoint,
} from './checkpoint.js';
import { AuditInputError } from './json-shape.js';

const keys = generateSigningKeyPair();
const privateKey = readPrivateKey(keys.privateKeyPem, 'key.pem');
const publicKey = readPublicKey(keys.publicKeyPem, 'key.pub');
const DEVICE = 'gtin:09506000134352:LAP-0001';
const OTHER = 'gtin:09506000134352:LAP-0002';
const NOW = (): Date => new Date('2031-02-03T04:05:06.789Z');

let store: SqliteEventStore;

beforeEach(async () => {
  store = new SqliteEventStore({ file: ':memory:' });
  await store.init();
});

afterEach(async () => {
  await store.close();
});

/** The device's events interleaved with another device's; data with non-ASCII text and a control character. */
async function seed(): Promise<void> {
  await store.append(
    DEVICE,
    [newEvent({ type: 'DevicePlacedOnMarket', data: { city: 'Jyväskylä', note: 'bell\u0007', weightKg: 1.25 } })],
    'no-stream',
  );
  for (let i = 0; i < 5; i += 1) await store.append(OTHER, [newEvent({ data: { i } })], 'any');
  await store.append(DEVICE, [newEvent({ type: 'DeviceCollected', data: { big: 1e21, tiny: 5e-7 } })], 0);
  for (let i = 0; i < 3; i += 1) await store.append(OTHER, [newEvent({ data: { i } })], 'any');
  await store.append(DEVICE, [newEvent({ type: 'DeviceDataWiped', data: { passed: true } })], 1);
}

async function freshCheckpoint(): Promise<SignedCheckpoint> {
  const outcome = await createCheckpoint(store, privateKey, { now: NOW });
  if (!outcome.ok) throw new Error(outcome.detail);
  return outcome.checkpoint;
}

async function exported(): Promise<{ bundle: DeviceBundle; text: string }> {
  const { bundle } = await exportDeviceBundle(store, DEVICE, await freshCheckpoint());
  return { bundle, text: serializeBundle(bundle) };
}

const verifyText = (text: string) => verifyBundle(Buffer.from(text, 'utf8'), publicKey);

/** [start, end) of the `index`-th object in the bundle's events array, found by scanning the JSON text. */
function eventSpan(text: string, index: number): [number, number] {
  let i = text.indexOf('"events": [') + '"events": ['.length;
  let found = -1;
  let depth = 0;
  let start = -1;
  let inString = false;
  for (; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) {
        found += 1;
        start = i;
      }
      depth += 1;
    } else if (c === '}') {
      depth -= 1;
      if (depth === 0 && found === index) return [start, i + 1];
    } else if (c === ']' && depth === 0) break;
  }
  throw new Error(`no event ${index} in the bundle`);
}

describe('offline bundle', () => {
  it("holds the device's events with proofs and a checkpoint, and verifies without the store", async () => {
    await seed();
    const { bundle, text } = await exported();
    expect(bundle.events.map((event) => [event.type, event.streamRevision])).toEqual([
      ['DevicePlacedOnMarket', 0],
      ['DeviceCollected', 1],
      ['DeviceDataWiped', 2],
    ]);
    expect(bundle.events.map((event) => event.globalPosition)).toEqual([1, 7, 11]);
    expect(bundle.proofs.map((proof) => proof.position)).toEqual([1, 7, 11]);
    expect(bundle.checkpoint.position).toBe(11);
    await store.close();
    expect(verifyText(text)).toEqual({
      ok: true,
      deviceId: DEVICE,
      events: 3,
      checkpoint: { position: 11, time: NOW().toISOString(), keyId: keys.keyId },
    });
  });

  it('never verifies after any single byte of an event is changed', async () => {
    await seed();
    const { text } = await exported();
    const bytes = Buffer.from(text, 'utf8');
    // Event 0 holds non-ASCII text (multi-byte UTF-8) and a \u0007 escape; flip every byte of it.
    const [start, end] = eventSpan(text, 0);
    const byteStart = Buffer.byteLength(text.slice(0, start));
    const byteEnd = Buffer.byteLength(text.slice(0, end));
    let tried = 0;
    for (let offset = byteStart; offset < byteEnd; offset += 1) {
      const original = bytes[offset] ?? 0;
      // A bit flip, a case flip, and the JSON-neutral substitutes: space, tab, newline, digit, quote.
      const substitutes = new Set([original ^ 0x01, original ^ 0x20, original ^ 0x80, 0x20, 0x09, 0x0a, 0x30, 0x22]);
      substitutes.delete(original);
      for (const substitute of substitutes) {
        const changed = Buffer.from(bytes);
        changed[offset] = substitute;
        const verdict = verifyBundle(changed, publicKey);
        if (verdict.ok) throw new Error(`byte ${offset} changed from ${original} to ${substitute} still verifies`);
        tried += 1;
      }
    }
    expect(tried).toBeGreaterThan(3_000);
  });

  it('never verifies after a byte is changed anywhere in the file (every 3rd byte, three ways)', async () => {
    await seed();
    const bytes = Buffer.from((await exported()).text, 'utf8');
    for (let offset = 0; offset < bytes.length; offset += 3) {
      for (const flip of [0x01, 0x02, 0x20]) {
        const changed = Buffer.from(bytes);
        changed[offset] = (bytes[offset] ?? 0) ^ flip;
        if (verifyBundle(changed, publicKey).ok) throw new Error(`byte ${offset} ^ ${flip} still verifies`);
      }
    }
  });

  describe('names what is wrong with a bundle edited with care', () => {
    /** The exported bundle changed, then written back in the exporter's exact form. */
    async function edited(change: (bundle: DeviceBundle) => DeviceBundle): Promise<string> {
      await seed();
      const { bundle } = await exported();
      return serializeBundle(change(bundle));
    }
    const withEvents = (bundle: DeviceBundle, events: StoredEvent[]): DeviceBundle => ({ ...bundle, events });
    const resealed = (event: StoredEvent, change: Partial<StoredEvent>): StoredEvent => {
      const { hash: _hash, ...rest } = { ...event, ...change };
      return sealEvent(rest);
    };

    it('changed content: hash-mismatch', async () => {
      const text = await edited((b) =>
        withEvents(
          b,
          b.events.map((e, i) => (i === 1 ? { ...e, data: { big: 1e22 } } : e)),
        ),
      );
      expect(verifyText(text)).toMatchObject({ ok: false, reason: 'hash-mismatch', event: 1 });
    });

    it('changed content re-hashed: not-in-checkpoint', async () => {
      const text = await edited((b) =>
        withEvents(
          b,
          b.events.map((e, i) => (i === 2 ? resealed(e, { data: { passed: false } }) : e)),
        ),
      );
      expect(verifyText(text)).toMatchObject({ ok: false, reason: 'not-in-checkpoint', event: 2 });
    });

    it('an event left out or the order changed: revision-gap', async () => {
      expect(
        verifyText(
          await edited((b) => ({ ...b, events: [b.events[0]!, b.events[2]!], proofs: [b.proofs[0]!, b.proofs[2]!] })),
        ),
      ).toMatchObject({
        ok: false,
        reason: 'revision-gap',
        event: 1,
      });
    });

    it("another device's event: wrong-device", async () => {
      const text = await edited((b) =>
        withEvents(
          b,
          b.events.map((e, i) => (i === 1 ? resealed(e, { streamId: OTHER }) : e)),
        ),
      );
      expect(verifyText(text)).toMatchObject({ ok: false, reason: 'wrong-device', event: 1 });
    });

    it('a proof for another position: not-in-checkpoint', async () => {
      const text = await edited((b) => ({ ...b, proofs: [b.proofs[0]!, b.proofs[2]!, b.proofs[1]!] }));
      expect(verifyText(text)).toMatchObject({ ok: false, reason: 'not-in-checkpoint', event: 1 });
    });

    it('a checkpoint re-signed by another key: checkpoint-signature', async () => {
      const forger = readPrivateKey(generateSigningKeyPair().privateKeyPem, 'forger.pem');
      const text = await edited((b) => ({ ...b, checkpoint: signCheckpoint(b.checkpoint, forger) }));
      expect(verifyText(text)).toMatchObject({ ok: false, reason: 'checkpoint-signature' });
    });

    it('the same content reformatted: not-exported-form', async () => {
      await seed();
      const { bundle } = await exported();
      expect(verifyText(JSON.stringify(bundle))).toMatchObject({ ok: false, reason: 'not-exported-form' });
    });
  });

  it('refuses a file that is not a bundle, saying why', async () => {
    await seed();
    const { text } = await exported();
    expect(verifyText('{"format": ')).toMatchObject({
      ok: false,
      reason: 'malformed',
      detail: expect.stringMatching(/not valid JSON/),
    });
    expect(verifyBundle(Buffer.from([0x7b, 0xff, 0x7d]), publicKey)).toMatchObject({
      ok: false,
      reason: 'malformed',
      detail: expect.stringMatching(/UTF-8/),
    });
    expect(verifyText(text.replace('kierto-device-bundle/1', 'kierto-device-bundle/9'))).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(verifyText(JSON.stringify({ ...parsed, events: [] }))).toMatchObject({
      ok: false,
      reason: 'malformed',
      detail: 'bundle.events is empty',
    });
    expect(verifyText(JSON.stringify({ ...parsed, proofs: [] }))).toMatchObject({
      ok: false,
      reason: 'malformed',
      detail: expect.stringMatching(/proofs has 0 entries/),
    });
    expect(verifyText(JSON.stringify({ ...parsed, checkpoint: undefined }))).toMatchObject({
      ok: false,
      reason: 'malformed',
      detail: 'The bundle lacks checkpoint',
    });
  });

  it('holds only the events up to an older checkpoint, and says how many are later', async () => {
    await seed();
    const older = await freshCheckpoint();
    await store.append(DEVICE, [newEvent({ type: 'DeviceResold' })], 2);
    const { bundle, laterEvents } = await exportDeviceBundle(store, DEVICE, older);
    expect(laterEvents).toBe(1);
    expect(bundle.events).toHaveLength(3);
    expect(verifyText(serializeBundle(bundle))).toMatchObject({ ok: true, events: 3 });
  });

  it('refuses an unknown device, a device entirely after the checkpoint, and a store that no longer extends it', async () => {
    await seed();
    const checkpoint = await freshCheckpoint();
    await expect(exportDeviceBundle(store, 'gtin:00000000000000:NONE', checkpoint)).rejects.toBeInstanceOf(
      UnknownDeviceError,
    );
    await store.append('gtin:09506000134352:NEW', [newEvent()], 'no-stream');
    await expect(exportDeviceBundle(store, 'gtin:09506000134352:NEW', checkpoint)).rejects.toThrow(AuditInputError);
    await expect(exportDeviceBundle(store, 'gtin:09506000134352:NEW', checkpoint)).rejects.toThrow(
      /after the checkpoint/,
    );
    const foreign = signCheckpoint({ ...checkpoint, headHash: 'a'.repeat(64) }, privateKey);
    await expect(exportDeviceBundle(store, DEVICE, foreign)).rejects.toBeInstanceOf(ChainBrokenError);
    await expect(exportDeviceBundle(store, DEVICE, foreign)).rejects.toThrow(/checkpoint-mismatch/);
  });
});
