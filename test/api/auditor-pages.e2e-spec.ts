/**
 * The auditor's pages (docs/pages.md, "Auditor") against the real app: what they say equals what the
 * JSON audit API says, a tampered event shows as MISMATCH on the timeline and as the break on
 * /auditor, the passport as of a moment or an event is the earlier state, and every refusal a person
 * can meet is a page with its status. Authenticated with an API key (Authorization: Bearer), and in
 * "as a signed-in person" with a session cookie, as people use them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import request from 'supertest';
import { parseCheckpoint, readPublicKey, verifyAgainstCheckpoint, verifyBundle } from '#kierto/audit';
import { signIn } from '../support/people.js';
import { example, LAPTOP_ID, startTestApp, type TestApp } from '../support/test-app.js';

const UNKNOWN_ID = 'gtin:09506000134352:NOPE-1';

/** The text of a page without its tags, spaces collapsed: what a person reads. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** The timeline's entries: one `<li>` each, in order. */
function timelineEntries(html: string): string[] {
  const list = /<ol class="timeline">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
  return list.split(/<li /).slice(1);
}

/** Waits (without asserting on time) until the clock has passed `instant`, so the next event is recorded later. */
async function after(instant: string): Promise<void> {
  while (Date.now() <= Date.parse(instant)) await new Promise((resolve) => setTimeout(resolve, 2));
}

describe('the auditor pages', () => {
  let app: TestApp;
  let dataDir: string;
  /** History JSON of the laptop before any tampering. */
  let history: {
    events: Array<{
      globalPosition: number;
      hash: string;
      recordedAt: string;
      actor: { organisationId: string; role: string; keyId: string };
    }>;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kierto-auditor-'));
    app = await startTestApp({ dataDir });
    // The README's laptop, each event recorded after the one before it (so as-of dates tell them apart).
    const steps: Array<[string, string]> = [
      ['/devices', 'place-laptop-on-market'],
      [`/devices/${LAPTOP_ID}/collections`, 'collect-laptop'],
      [`/devices/${LAPTOP_ID}/data-wipes`, 'wipe-laptop'],
      [`/devices/${LAPTOP_ID}/resales`, 'resell-laptop'],
    ];
    let recordedAt = new Date(0).toISOString();
    for (const [path, body] of steps) {
      await after(recordedAt);
      const response = await app.api.post(path).send(example(body));
      expect(response.status).toBe(201);
      recordedAt = response.body.events.at(-1).recordedAt as string;
    }
    history = (await app.api.get(`/audit/devices/${LAPTOP_ID}/history`).expect(200)).body;
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('on an intact store', () => {
    it('/auditor shows the chain as the JSON verdict says: events, head position and head hash', async () => {
      const verdict = (await app.api.get('/audit/verify').expect(200)).body;
      expect(verdict.ok).toBe(true);
      const page = await app.api.get('/auditor?lang=en').expect(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['cache-control']).toBe('no-store');
      const text = textOf(page.text);
      expect(text).toContain(`Intact: all ${verdict.events} events verified.`);
      expect(text).toContain(`Head position ${verdict.position}`);
      expect(text).toContain(`Head hash ${verdict.headHash}`);
      expect(text).not.toContain('MISMATCH');
      // The form to open a device, and the downloads.
      expect(page.text).toContain('<form class="stack" method="get" action="/auditor/device">');
      expect(page.text).toContain('href="/auditor/checkpoint"');
      expect(page.text).toContain('href="/auditor/signing-key.pub"');
    });

    it('the device page lists every event with the position, type, actor and hash of the JSON history, each verified', async () => {
      const page = await app.api.get(`/auditor/devices/${LAPTOP_ID}?lang=en`).expect(200);
      const entries = timelineEntries(page.text);
      expect(entries).toHaveLength(history.events.length);
      const names = ['Placed on the market', 'Handed in for collection', 'Data erased', 'Resold'];
      history.events.forEach((event, index) => {
        const entry = textOf(entries[index] ?? '');
        expect(entry).toContain(`#${event.globalPosition} ${names[index]}`);
        expect(entry).toContain(`Hash ${event.hash}`);
        expect(entry).toContain('Verified');
        expect(entry).not.toContain('MISMATCH');
        expect(entries[index]).toContain(`<time datetime="${event.recordedAt}">`);
        const { organisationId, role, keyId } = event.actor;
        expect(entry).toContain(`Recorded by ${organisationId} (${role}, key ${keyId})`);
      });
      expect(textOf(page.text)).toContain('All 4 events of this device verified against the chain.');
      expect(page.text).toContain(`href="/auditor/devices/${LAPTOP_ID}/bundle"`);
      expect(page.text).toContain(`href="/passports/${LAPTOP_ID}"`);
    });

    it('shows the passport as of now by default, equal to the JSON as-of answer', async () => {
      const head = history.events.at(-1)?.globalPosition ?? 0;
      const json = (await app.api.get(`/audit/devices/${LAPTOP_ID}/passport?position=${head}`).expect(200)).body;
      expect(json.status.lifecycle).toBe('in-use');
      const page = await app.api.get(`/auditor/devices/${LAPTOP_ID}?lang=en`).expect(200);
      const result = textOf(/<div id="as-of-result">([\s\S]*?)<\/div>/.exec(page.text)?.[1] ?? '');
      expect(result).toContain('Now');
      expect(result).toContain('4 of 4 events counted.');
      expect(result).toContain('Status In use');
      expect(result).toContain(`Lives Life ${json.lives}: resold once`);
    });

    it('shows the earlier passport as of the moment the collection was recorded, as the JSON API does', async () => {
      const collected = history.events[1];
      if (collected === undefined) throw new Error('no collection');
      const json = (
        await app.api.get(`/audit/devices/${LAPTOP_ID}/passport`).query({ asOf: collected.recordedAt }).expect(200)
      ).body;
      expect(json.status.lifecycle).toBe('collected');
      expect(json.history).toHaveLength(2);
      // With Z as given; and as a datetime-local value read in the reporting time zone (UTC in the test app).
      for (const asOf of [collected.recordedAt, collected.recordedAt.slice(0, 23)]) {
        const page = await app.api.get(`/auditor/devices/${LAPTOP_ID}`).query({ asOf, lang: 'en' }).expect(200);
        const result = textOf(/<div id="as-of-result">([\s\S]*?)<\/div>/.exec(page.text)?.[1] ?? '');
        expect(result).toContain('2 of 4 events counted.');
        expect(result).toContain('Status Handed in for collection');
        expect(result).toContain('Lives First life: never resold');
        // The JSON form of the same passport.
        expect(page.text).toContain(
          `href="/audit/devices/${LAPTOP_ID}/passport?asOf=${encodeURIComponent(new Date(collected.recordedAt).toISOString())}"`,
        );
      }
    });

    it('shows the passport after an event chosen on the slider (event index), and the slider is set there', async () => {
      const page = await app.api.get(`/auditor/devices/${LAPTOP_ID}?event=2&lang=en`).expect(200);
      const result = textOf(/<div id="as-of-result">([\s\S]*?)<\/div>/.exec(page.text)?.[1] ?? '');
      expect(result).toContain('After event r2 (Data erased)');
      expect(result).toContain('3 of 4 events counted.');
      expect(result).toContain('Data erased on');
      expect(page.text).toMatch(/<input id="event" name="event" type="range" min="0" max="3" step="1" value="2"/);
      expect(page.text).toContain(`<script src="/auditor/as-of-slider.js" defer></script>`);
    });

    it('says that the device had no events yet before its first one, with 200', async () => {
      const page = await app.api
        .get(`/auditor/devices/${LAPTOP_ID}`)
        .query({ asOf: '2001-01-01T00:00', lang: 'en' })
        .expect(200);
      expect(textOf(page.text)).toContain('The device had no events recorded by then.');
    });

    it("gives every element id once per page (labels, errors and the slider's list point at them)", async () => {
      for (const path of ['/auditor', `/auditor/devices/${LAPTOP_ID}`, `/auditor/devices/${LAPTOP_ID}?asOf=x`]) {
        const page = await app.api.get(path);
        const ids = [...page.text.matchAll(/\sid="([^"]+)"/g)].map((match) => match[1]);
        expect({ path, repeated: ids.filter((id, index) => ids.indexOf(id) !== index) }).toEqual({
          path,
          repeated: [],
        });
      }
    });

    it('answers in Finnish and Swedish too', async () => {
      const fi = await app.api.get(`/auditor/devices/${LAPTOP_ID}?lang=fi`).expect(200);
      expect(fi.headers['content-language']).toBe('fi');
      expect(textOf(fi.text)).toContain('Laitteen kaikki 4 tapahtumaa tarkistettu ketjua vasten.');
      const sv = await app.api.get('/auditor').set('Accept-Language', 'sv-FI').expect(200);
      expect(textOf(sv.text)).toContain('Intakt: alla 4 händelser verifierade.');
    });
  });

  describe('refusals', () => {
    it.each([
      ['a day that does not exist', { asOf: '2026-02-30T12:00' }, 'asOf', 'Not a date and time'],
      ['words', { asOf: 'yesterday' }, 'asOf', 'Not a date and time'],
      ['a date and an event', { asOf: '2026-06-01T12:00', event: '1' }, 'asOf', 'not both'],
      ['an event the device does not have', { event: '4' }, 'event', 'No such event of this device.'],
      ['a negative event', { event: '-1' }, 'event', 'No such event of this device.'],
    ])('answers a bad as-of (%s) with 400 and the field error', async (_, query, fieldName, message) => {
      const page = await app.api
        .get(`/auditor/devices/${LAPTOP_ID}`)
        .query({ ...query, lang: 'en' })
        .expect(400);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain(`<p class="error" id="${fieldName}-error">`);
      expect(page.text).toMatch(new RegExp(`id="${fieldName}"[^>]*aria-invalid="true"`));
      expect(textOf(page.text)).toContain(message);
      expect(textOf(page.text)).toContain('Check the form');
    });

    it('answers a repeated asOf with 400', async () => {
      const page = await app.api.get(`/auditor/devices/${LAPTOP_ID}?asOf=2026-01-01T00:00&asOf=2026-02-01T00:00`);
      expect(page.status).toBe(400);
      expect(page.text).toContain('id="asOf-error"');
    });

    it('answers an unknown device with the 404 page and a malformed id with 400, on the page and the bundle', async () => {
      for (const path of [`/auditor/devices/${UNKNOWN_ID}`, `/auditor/devices/${UNKNOWN_ID}/bundle`]) {
        const missing = await app.api.get(`${path}?lang=en`).expect(404);
        expect(missing.headers['content-type']).toMatch(/^text\/html/);
        expect(textOf(missing.text)).toContain(`Device not found Kierto has no events of the device ${UNKNOWN_ID}.`);
      }
      for (const path of ['/auditor/devices/not-a-device', '/auditor/devices/not-a-device/bundle']) {
        const malformed = await app.api.get(`${path}?lang=en`).expect(400);
        expect(textOf(malformed.text)).toContain('Not a Kierto id');
      }
    });

    it('refuses a role without audit:read with 403 on every auditor route, showing none of the history', async () => {
      const producer = app.as('auditor-test-producer', 'producer');
      for (const path of [
        '/auditor',
        `/auditor/devices/${LAPTOP_ID}`,
        `/auditor/devices/${LAPTOP_ID}/bundle`,
        `/auditor/device?deviceId=${LAPTOP_ID}`,
        '/auditor/checkpoint',
        '/auditor/signing-key.pub',
      ]) {
        const response = await producer.get(path);
        expect({ path, status: response.status }).toEqual({ path, status: 403 });
        expect(response.text).toContain('FORBIDDEN');
        expect(response.text).not.toContain(history.events[0]?.hash ?? 'no hash');
      }
    });
  });

  describe('as a signed-in person', () => {
    it('an auditor sees the same pages by session cookie, signed in by name', async () => {
      const person = await signIn(app, 'auditor-pages-authority', ['auditor'], { displayName: 'Aino Auditor' });
      const overview = await request(app.http).get('/auditor?lang=en').set('Cookie', person.cookie).expect(200);
      expect(textOf(overview.text)).toContain('Signed in as Aino Auditor');
      expect(textOf(overview.text)).toContain('Intact: all 4 events verified.');
      const device = await request(app.http)
        .get(`/auditor/devices/${LAPTOP_ID}?event=1&lang=en`)
        .set('Cookie', person.cookie)
        .expect(200);
      expect(timelineEntries(device.text)).toHaveLength(4);
      expect(textOf(device.text)).toContain('After event r1 (Handed in for collection)');
      const bundle = await request(app.http).get(`/auditor/devices/${LAPTOP_ID}/bundle`).set('Cookie', person.cookie);
      expect(bundle.status).toBe(200);
      expect(bundle.headers['content-disposition']).toMatch(/^attachment;/);
    });

    it('a person without audit:read gets the 403 page, and nobody signed in is sent to sign in', async () => {
      const producer = await signIn(app, 'auditor-pages-producer', ['producer']);
      const refused = await request(app.http).get(`/auditor/devices/${LAPTOP_ID}`).set('Cookie', producer.cookie);
      expect(refused.status).toBe(403);
      expect(refused.headers['content-type']).toMatch(/^text\/html/);
      expect(refused.text).toContain('data-code="FORBIDDEN"');
      expect(refused.text).not.toContain(history.events[0]?.hash ?? 'no hash');
      const anonymous = await request(app.http).get(`/auditor/devices/${LAPTOP_ID}?event=1`);
      expect(anonymous.status).toBe(303);
      expect(anonymous.headers['location']).toBe(
        `/sign-in?next=${encodeURIComponent(`/auditor/devices/${LAPTOP_ID}?event=1`)}`,
      );
    });
  });

  describe('the open-a-device form', () => {
    it('leads to the device by its id or by GTIN and serial (303), or to its bundle', async () => {
      const byId = await app.api.get(`/auditor/device?deviceId=${LAPTOP_ID}&open=timeline`).expect(303);
      expect(byId.headers['location']).toBe(`/auditor/devices/${LAPTOP_ID}`);
      const byGtin = await app.api.get('/auditor/device?gtin=9506000134352&serial=LAP-0001&lang=fi').expect(303);
      expect(byGtin.headers['location']).toBe(`/auditor/devices/${LAPTOP_ID}?lang=fi`);
      const bundle = await app.api.get(`/auditor/device?deviceId=${LAPTOP_ID}&open=bundle`).expect(303);
      expect(bundle.headers['location']).toBe(`/auditor/devices/${LAPTOP_ID}/bundle`);
    });

    it.each([
      ['nothing', '', 'gtin', 'Give a Kierto id, or a GTIN and a serial number.'],
      ['a malformed id', 'deviceId=laptop-1', 'deviceId', 'Not a Kierto id'],
      ['a wrong check digit', 'gtin=09506000134353&serial=LAP-0001', 'gtin', 'Not a GTIN'],
      ['a serial with a space', 'gtin=09506000134352&serial=LAP%200001', 'serial', 'Not a serial number of a GTIN'],
      ['a GTIN without serial', 'gtin=09506000134352', 'serial', 'Give a Kierto id, or a GTIN and a serial number.'],
    ])('answers %s with 400, the field marked and the value kept', async (_, query, fieldName, message) => {
      const page = await app.api.get(`/auditor/device?${query}&lang=en`).expect(400);
      expect(page.text).toMatch(new RegExp(`id="${fieldName}"[^>]*aria-invalid="true"`));
      expect(textOf(page.text)).toContain(message);
      // The chain's status is still shown on the form's page.
      expect(textOf(page.text)).toContain('Intact: all 4 events verified.');
    });

    it('answers a device Kierto does not know with 404 on the form page', async () => {
      const page = await app.api.get(`/auditor/device?deviceId=${UNKNOWN_ID}&lang=en`).expect(404);
      expect(textOf(page.text)).toContain(`Kierto has no events of the device ${UNKNOWN_ID}.`);
      expect(page.text).toContain(`value="${UNKNOWN_ID}"`);
    });
  });

  describe('downloads', () => {
    it('the offline bundle verifies offline with the public key the page offers', async () => {
      const pem = await app.api.get('/auditor/signing-key.pub').expect(200);
      expect(pem.headers['content-disposition']).toMatch(/^attachment; filename="kierto-[0-9a-f]{16}\.pub"$/);
      const publicKey = readPublicKey(pem.text, 'signing-key.pub');
      const bundle = await app.api.get(`/auditor/devices/${LAPTOP_ID}/bundle`).expect(200);
      expect(bundle.headers['content-disposition']).toBe(
        'attachment; filename="gtin_09506000134352_LAP-0001.bundle.json"',
      );
      // The text as sent (UTF-8): verifyBundle checks it byte for byte.
      const verdict = verifyBundle(Buffer.from(bundle.text, 'utf8'), publicKey);
      expect(verdict).toEqual({
        ok: true,
        deviceId: LAPTOP_ID,
        events: 4,
        checkpoint: { position: 4, time: expect.any(String), keyId: expect.stringMatching(/^[0-9a-f]{16}$/) },
      });
    });

    it('a signed checkpoint of the head that the store verifies against', async () => {
      const pem = (await app.api.get('/auditor/signing-key.pub').expect(200)).text;
      const response = await app.api.get('/auditor/checkpoint').expect(200);
      expect(response.headers['content-disposition']).toBe('attachment; filename="checkpoint-4.json"');
      const checkpoint = parseCheckpoint(response.text, 'checkpoint');
      const verdict = await verifyAgainstCheckpoint(app.store, checkpoint, readPublicKey(pem, 'key'));
      expect(verdict).toMatchObject({ ok: true, checkpoint: { position: 4 } });
    });

    it('serves the slider script to anyone, as JavaScript', async () => {
      // No key, no session: static code that shows nothing by itself.
      const script = await request(app.http).get('/auditor/as-of-slider.js').expect(200);
      expect(script.headers['content-type']).toMatch(/^application\/javascript/);
      expect(script.text).toContain("addEventListener('input'");
    });
  });

  describe('after someone edits an event in the database', () => {
    beforeAll(() => {
      const db = new Database(join(dataDir, 'kierto.sqlite'));
      try {
        // The collection's recorder changed behind Kierto's back (test/audit/tamper-suite.ts does the same).
        db.prepare('UPDATE events SET actor_organisation_id = ? WHERE global_position = ?').run('org-impostor', 2);
      } finally {
        db.close();
      }
    });

    it('the timeline marks that event MISMATCH in words, as the JSON history flags it, and the others verified', async () => {
      const json = (await app.api.get(`/audit/devices/${LAPTOP_ID}/history`).expect(200)).body;
      expect(json.events.map((event: { hashValid: boolean }) => event.hashValid)).toEqual([true, false, true, true]);
      const page = await app.api.get(`/auditor/devices/${LAPTOP_ID}?lang=en`).expect(200);
      const entries = timelineEntries(page.text).map(textOf);
      expect(entries[1]).toContain(
        'Handed in for collection ✗ MISMATCH Its stored hash is not the hash of its content: it was edited after it was stored.',
      );
      expect(entries[1]).toContain('Recorded by org-impostor');
      for (const index of [0, 2, 3]) expect(entries[index]).not.toContain('MISMATCH');
      expect(textOf(page.text)).toContain(
        '1 of 4 events of this device do NOT verify: the stored history was changed.',
      );
    });

    it('/auditor shows the break at the position the JSON verdict names, and leads to the device', async () => {
      const verdict = (await app.api.get('/audit/verify').expect(200)).body;
      expect(verdict).toMatchObject({ ok: false, position: 2, reason: 'hash-mismatch', verifiedUpTo: 1 });
      const page = await app.api.get('/auditor?lang=en').expect(200);
      const text = textOf(page.text);
      expect(text).toContain('MISMATCH BROKEN at position 2: the stored history was changed.');
      expect(text).toContain('First failing position 2');
      expect(text).toContain('Intact up to position 1');
      expect(text).toContain("What fails there The event's stored hash is not the hash of its content");
      expect(text).toContain(verdict.detail);
      expect(page.text).toContain(`<a href="/auditor/devices/${LAPTOP_ID}">${LAPTOP_ID}</a>`);
    });

    it('exports no bundle and signs no checkpoint from a store that does not verify (409)', async () => {
      for (const path of [`/auditor/devices/${LAPTOP_ID}/bundle`, '/auditor/checkpoint']) {
        const refused = await app.api.get(`${path}?lang=en`).expect(409);
        expect(refused.headers['content-type']).toMatch(/^text\/html/);
        expect(refused.headers['content-disposition']).toBeUndefined();
        expect(textOf(refused.text)).toContain(
          'The store does not verify at position 2, so no checkpoint is signed and no bundle is exported.',
        );
      }
    });
  });
});

describe('the auditor pages on an empty store', () => {
  let empty: TestApp;
  beforeAll(async () => {
    empty = await startTestApp();
  });
  afterAll(async () => {
    await empty?.close();
  });

  it('/auditor says there is nothing to verify yet, and no checkpoint is signed (409)', async () => {
    const verdict = (await empty.api.get('/audit/verify').expect(200)).body;
    expect(verdict).toMatchObject({ ok: true, events: 0, position: 0 });
    const page = await empty.api.get('/auditor?lang=en').expect(200);
    expect(textOf(page.text)).toContain('The store holds no events yet: there is nothing to verify.');
    const refused = await empty.api.get('/auditor/checkpoint?lang=en').expect(409);
    expect(refused.headers['content-disposition']).toBeUndefined();
    expect(textOf(refused.text)).toContain('The store holds no events: there is no head to sign.');
  });
});
