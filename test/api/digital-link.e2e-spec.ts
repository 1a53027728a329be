/**
 * The GS1 Digital Link resolver over HTTP (docs/digital-link.md): the 15 vectors of
 * test/fixtures/standards/gs1/digital_link_gtin_serial_vectors.csv for resolution and minting, link
 * types, the RFC 9264 linkset, the Link header, and every refusal a scanner or integrator can meet.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { deviceIdOf } from '#kierto/domain';
import { isValidDigitalLinkUri } from '#kierto/interop';
import { example, LAPTOP_ID, startTestApp, type TestApp } from '../support/test-app.js';

interface Vector {
  readonly row: number;
  readonly uri: string;
  readonly expected: 'valid' | 'invalid';
  readonly gtin: string;
  readonly serial: string;
  readonly lot: string;
  readonly reason: string;
}

/** One CSV line: commas split fields except inside double quotes (the `reason` column). */
function fieldsOf(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (char === ',' && !quoted) {
      fields.push(field);
      field = '';
    } else field += char;
  }
  return [...fields, field];
}

const VECTORS: readonly Vector[] = readFileSync(
  new URL('../fixtures/standards/gs1/digital_link_gtin_serial_vectors.csv', import.meta.url),
  'utf8',
)
  .trim()
  .split('\n')
  .slice(1)
  .map((line, index) => {
    const [uri = '', expected = '', gtin = '', serial = '', lot = '', reason = ''] = fieldsOf(line);
    expect(['valid', 'invalid']).toContain(expected);
    return { row: index + 1, uri, expected: expected as Vector['expected'], gtin, serial, lot, reason };
  });

/**
 * What minting the row's GTIN + serial (POST /devices) must answer. A vector is invalid either for a
 * value (check digit, length, a character outside CSET 82: minting refuses it too) or for the link
 * around valid values (qualifier order, no primary key: the values mint). Read from each reason.
 */
const MINTING: Readonly<Record<number, 'minted' | 'no GTIN' | { code: string; field: string }>> = {
  1: 'minted',
  2: 'minted',
  3: 'minted',
  4: 'minted',
  5: 'minted',
  6: 'minted',
  7: 'minted',
  8: { code: 'INVALID_GTIN', field: 'product.gtin' },
  9: { code: 'INVALID_GTIN', field: 'product.gtin' },
  10: { code: 'INVALID_SERIAL_NUMBER', field: 'product.serialNumber' },
  11: 'minted',
  12: { code: 'INVALID_SERIAL_NUMBER', field: 'product.serialNumber' },
  13: { code: 'INVALID_SERIAL_NUMBER', field: 'product.serialNumber' },
  14: 'no GTIN',
  15: 'minted',
};

/** The request a scanner sends for a vector's URI: its path after the host (custom stem included). */
function requestPathOf(uri: string): string {
  const afterHost = uri.slice(uri.indexOf('/', uri.indexOf('://') + 3));
  // An HTTP client cannot send a bare space in a request line; it sends %20, which the resolver reads as a space.
  return afterHost.replaceAll(' ', '%20');
}

function placement(gtin: string, serialNumber: string, withMaterials: boolean): Record<string, unknown> {
  const laptop = example('place-laptop-on-market');
  const product = laptop['product'] as Record<string, unknown>;
  return {
    ...laptop,
    product: {
      ...product,
      gtin,
      serialNumber,
      ...(withMaterials ? {} : { materials: [], carbonFootprintKgCo2e: undefined, repairInformation: {} }),
    },
  };
}

let app: TestApp;
let position = 0;
const minted = new Set<string>();

beforeAll(async () => {
  app = await startTestApp();
});

afterAll(async () => {
  await app.close();
});

describe('the GS1 Digital Link vectors (test/fixtures/standards/gs1/digital_link_gtin_serial_vectors.csv)', () => {
  it('reads all 15 vectors, each with a minting expectation', () => {
    expect(VECTORS).toHaveLength(15);
    expect(Object.keys(MINTING).map(Number)).toEqual(VECTORS.map((vector) => vector.row));
  });

  it.each(VECTORS.map((vector) => [vector.row, vector.reason, vector] as const))(
    'mints row %i (%s) as the row says',
    async (row, _reason, vector) => {
      const expected = MINTING[row];
      if (expected === undefined) throw new Error(`row ${row} has no minting expectation`);
      if (expected === 'no GTIN') {
        // Without a GTIN the serial alone identifies nothing: the row has no GTIN identity to mint.
        expect(vector.gtin).toBe('');
        return;
      }
      const response = await app.api.post('/devices').send(placement(vector.gtin, vector.serial, true));
      if (expected === 'minted') {
        const deviceId = deviceIdOf({ gtin: vector.gtin, serialNumber: vector.serial });
        // Rows naming an item minted by an earlier row (same GTIN + serial) meet it: one item, one device.
        if (minted.has(deviceId)) {
          expect(response.status).toBe(409);
          expect(response.body.error.code).toBe('DEVICE_ALREADY_REGISTERED');
          return;
        }
        expect({ status: response.status, error: response.body.error }).toEqual({ status: 201, error: undefined });
        expect(response.body.deviceId).toBe(deviceId);
        minted.add(deviceId);
        position = Math.max(position, response.body.events[0].globalPosition);
        return;
      }
      expect({ status: response.status, code: response.body.error?.code, fields: response.body.error?.fields }).toEqual(
        {
          status: 400,
          code: expected.code,
          fields: [expect.objectContaining({ field: expected.field, code: expected.code })],
        },
      );
    },
  );

  it.each(VECTORS.map((vector) => [vector.row, vector.expected, vector.reason, vector] as const))(
    'resolves row %i (%s: %s)',
    async (_row, expected, _reason, vector) => {
      const path = requestPathOf(vector.uri);
      const response = await app.api.get(path).query({ minPosition: position });
      if (expected === 'invalid') {
        expect({ path, status: response.status }).toEqual({ path, status: 400 });
        expect(response.body.error.fields).toHaveLength(1);
        return;
      }
      const deviceId = deviceIdOf({ gtin: vector.gtin, serialNumber: vector.serial });
      const byId = await app.api.get(`/passports/${deviceId}`);
      expect(byId.status).toBe(200);
      if (response.status === 307) {
        // A linkType redirects; the passport it leads to is the item's.
        const target = await app.api.get(response.headers['location'] ?? '');
        expect(target.body).toEqual(byId.body);
        return;
      }
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.body).toEqual(byId.body);
      // The package's grammar agrees with the row: an independent check of the vector itself.
      expect(isValidDigitalLinkUri(vector.uri)).toBe(true);
    },
  );

  it('names the AI at fault in each refusal of the invalid vectors', async () => {
    const refusals: Record<string, [string, string]> = {};
    for (const vector of VECTORS.filter((v) => v.expected === 'invalid')) {
      const response = await app.api.get(requestPathOf(vector.uri));
      refusals[vector.row] = [response.body.error.code, response.body.error.fields[0].field];
    }
    expect(refusals).toEqual({
      7: ['DIGITAL_LINK_QUALIFIER_ORDER', '10'],
      8: ['INVALID_GTIN', '01'],
      9: ['INVALID_GTIN', '01'],
      10: ['INVALID_SERIAL_NUMBER', '21'],
      12: ['INVALID_SERIAL_NUMBER', '21'],
      13: ['INVALID_SERIAL_NUMBER', '21'],
      14: ['DIGITAL_LINK_MISSING_PRIMARY_KEY', '01'],
    });
  });
});

describe('AI 21 at every minting path', () => {
  const BAD_SERIALS = ['AB C', 'AB#C', 'ABCDEFGHIJKLMNOPQRSTU', 'Äänentoisto'];

  it('refuses in bulk import the GTIN serials POST /devices refuses, line by line, storing nothing', async () => {
    const head = await app.store.headPosition();
    const lines = BAD_SERIALS.map((serialNumber) => {
      const { occurredAt, ...data } = placement('09506000134352', serialNumber, false);
      return JSON.stringify({ type: 'DevicePlacedOnMarket', occurredAt, data });
    });
    const response = await app
      .as('import-admin', 'admin')
      .post('/imports')
      .set('Content-Type', 'application/x-ndjson')
      .send(lines.join('\n'));
    expect(response.status).toBe(200);
    expect(response.body.summary).toMatchObject({ imported: 0, refused: BAD_SERIALS.length });
    for (const error of response.body.errors as { code: string; field: string }[]) {
      expect(error).toMatchObject({ code: 'INVALID_SERIAL_NUMBER', field: 'data.product.serialNumber' });
    }
    expect(await app.store.headPosition()).toBe(head);
  });

  it('refuses them in a collection that starts a history, and keeps the broader rule for manufacturer + serial', async () => {
    const collection = example('collect-laptop');
    const product: Record<string, unknown> = {
      ...(example('place-laptop-on-market')['product'] as Record<string, unknown>),
      serialNumber: 'AB C',
    };
    // The path's device id is well-formed (the escape of a space); the product's serial is not AI 21.
    const refused = await app.api
      .post('/devices/gtin:09506000134352:AB~20C/collections')
      .send({ ...collection, product });
    expect({
      status: refused.status,
      code: refused.body.error.code,
      field: refused.body.error.fields[0].field,
    }).toEqual({
      status: 400,
      code: 'INVALID_SERIAL_NUMBER',
      field: 'product.serialNumber',
    });
    const { gtin: _gtin, ...withoutGtin } = product;
    const mfr = await app.api
      .post('/devices')
      .send({ ...placement('09506000134352', 'x', false), product: withoutGtin });
    expect({ status: mfr.status, deviceId: mfr.body.deviceId }).toEqual({
      status: 201,
      deviceId: 'mfr:example~20devices~20oy:AB~20C',
    });
  });
});

describe('link types, the linkset and the Link header', () => {
  const LAPTOP_LINK = '/01/09506000134352/21/LAP-0001';
  const BARE = { gtin: '09506000134352', serialNumber: 'BARE-1' };
  const BARE_LINK = '/01/09506000134352/21/BARE-1';

  beforeAll(async () => {
    for (const body of [example('place-laptop-on-market'), placement(BARE.gtin, BARE.serialNumber, false)]) {
      const response = await app.api.post('/devices').send(body);
      expect(response.status).toBe(201);
      position = Math.max(position, response.body.events[0].globalPosition);
    }
  });

  it('answers the passport by default, with a Link header to the linkset', async () => {
    const response = await app.api.get(LAPTOP_LINK).query({ minPosition: position });
    expect(response.status).toBe(200);
    expect(response.body.deviceId).toBe(LAPTOP_ID);
    expect(response.headers['link']).toBe(
      `<${LAPTOP_LINK}?linkType=linkset>; rel="linkset"; type="application/linkset+json"`,
    );
  });

  it('answers linkType=all or linkset, or Accept: application/linkset+json, with an RFC 9264 linkset', async () => {
    for (const response of [
      await app.api.get(`${LAPTOP_LINK}?linkType=all`),
      await app.api.get(`${LAPTOP_LINK}?linkType=linkset`),
      await app.api.get(LAPTOP_LINK).set('Accept', 'application/linkset+json'),
    ]) {
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/linkset\+json/);
      const linkset = JSON.parse(response.text) as { linkset: Record<string, unknown>[] };
      expect(linkset.linkset).toHaveLength(1);
      const passport = { href: `/passports/${LAPTOP_ID}`, title: 'Digital product passport', type: 'application/json' };
      const credential = expect.objectContaining({
        href: `/passports/${LAPTOP_ID}/credential`,
        type: 'application/vc+jwt',
      });
      const repair = [
        { href: 'https://example.com/k14/repair', title: 'Repair manual' },
        { href: 'https://example.com/k14/disassembly', title: 'Disassembly instructions' },
      ];
      expect(linkset.linkset[0]).toEqual({
        anchor: LAPTOP_LINK,
        'https://ref.gs1.org/voc/defaultLink': [passport],
        'https://ref.gs1.org/voc/pip': [passport],
        'https://ref.gs1.org/voc/sustainabilityInfo': [expect.objectContaining({ href: passport.href })],
        'https://ref.gs1.org/voc/certificationInfo': [credential],
        'https://test.uncefact.org/vocabulary/linkTypes/dpp': [credential],
        'https://ref.gs1.org/voc/repairInfo': repair,
        'https://ref.gs1.org/voc/instructions': repair,
      });
    }
  });

  it.each([
    ['gs1:pip', `/passports/${LAPTOP_ID}`],
    ['https://ref.gs1.org/voc/pip', `/passports/${LAPTOP_ID}`],
    ['https://gs1.org/voc/pip', `/passports/${LAPTOP_ID}`],
    ['gs1:defaultLink', `/passports/${LAPTOP_ID}`],
    ['gs1:sustainabilityInfo', `/passports/${LAPTOP_ID}`],
    ['gs1:certificationInfo', `/passports/${LAPTOP_ID}/credential`],
    ['untp:dpp', `/passports/${LAPTOP_ID}/credential`],
    ['gs1:repairInfo', 'https://example.com/k14/repair'],
  ])('redirects linkType=%s with 307 to %s', async (linkType, location) => {
    const response = await app.api.get(LAPTOP_LINK).query({ linkType });
    expect({ status: response.status, location: response.headers['location'] }).toEqual({ status: 307, location });
    expect(response.headers['link']).toContain('rel="linkset"');
  });

  it('reads a link with a lot or variant qualifier as the same item (Kierto records no lot to disagree with)', async () => {
    for (const path of ['/01/09506000134352/10/LOT7/21/LAP-0001', '/01/09506000134352/22/V2/10/LOT7/21/LAP-0001']) {
      const response = await app.api.get(path);
      expect({ path, status: response.status, deviceId: response.body.deviceId }).toEqual({
        path,
        status: 200,
        deviceId: LAPTOP_ID,
      });
      // The linkset is about the item as linked: its anchor keeps the qualifiers.
      expect(response.headers['link']).toContain(`<${path}?linkType=linkset>`);
    }
  });

  it('takes GS1 data attributes in the query string (?17=…) and resolves the same item', async () => {
    for (const query of ['?17=261231', '?3103=000189&17=261231', '?17=261231&linkType=gs1:pip']) {
      const response = await app.api.get(`${LAPTOP_LINK}${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: query.includes('linkType') ? 307 : 200 });
      if (response.status === 200) expect(response.body.deviceId).toBe(LAPTOP_ID);
    }
  });

  it('answers 404 with a clear code for a link type Kierto does not serve, or this passport lacks', async () => {
    const unknown = await app.api.get(LAPTOP_LINK).query({ linkType: 'gs1:recipeInfo' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'UNKNOWN_LINK_TYPE', fields: [{ field: 'linkType' }] });
    for (const linkType of ['gs1:repairInfo', 'gs1:sustainabilityInfo']) {
      const missing = await app.api.get(BARE_LINK).query({ linkType, minPosition: position });
      expect({ linkType, status: missing.status, code: missing.body.error.code }).toEqual({
        linkType,
        status: 404,
        code: 'LINK_TYPE_NOT_AVAILABLE',
      });
    }
    const linkset = JSON.parse((await app.api.get(`${BARE_LINK}?linkType=all`)).text) as {
      linkset: Record<string, unknown>[];
    };
    expect(Object.keys(linkset.linkset[0] ?? {})).not.toContain('https://ref.gs1.org/voc/repairInfo');
  });

  it('answers 404 for an item Kierto does not know, whatever the link type, and for a link to a product class', async () => {
    for (const query of [{}, { linkType: 'all' }, { linkType: 'gs1:pip' }]) {
      const response = await app.api.get('/01/09506000134352/21/NOPE').query(query);
      expect({ query, status: response.status, code: response.body.error.code }).toEqual({
        query,
        status: 404,
        code: 'DEVICE_NOT_FOUND',
      });
    }
    const batch = await app.api.get('/01/09506000134352/10/LOT7');
    expect({ status: batch.status, code: batch.body.error.code }).toEqual({
      status: 404,
      code: 'DIGITAL_LINK_NOT_AN_ITEM',
    });
  });

  it('refuses a malformed link with 400, the code and the AI or parameter at fault', async () => {
    const cases: [string, string, string][] = [
      ['/01/09506000134352/21', 'DIGITAL_LINK_MALFORMED', 'path'],
      ['/01/09506000134352/17/260101/21/LAP-0001', 'DIGITAL_LINK_UNKNOWN_QUALIFIER', '17'],
      ['/01/09506000134352/21/LAP-0001/21/LAP-0002', 'DIGITAL_LINK_QUALIFIER_ORDER', '21'],
      ['/01/09506000134352/10/L%7E1/21/LAP-0001', 'DIGITAL_LINK_INVALID_VALUE', '10'],
      ["/01/09506000134352/21/LAP'1", 'INVALID_SERIAL_NUMBER', '21'],
      ['/10/LOT7/21/LAP-0001', 'DIGITAL_LINK_MISSING_PRIMARY_KEY', '01'],
      [`${LAPTOP_LINK}?linkType=${'x'.repeat(301)}`, 'VALIDATION_FAILED', 'linkType'],
      [`${LAPTOP_LINK}?colour=red`, 'VALIDATION_FAILED', 'colour'],
    ];
    for (const [path, code, field] of cases) {
      const response = await app.api.get(path);
      expect({
        path,
        status: response.status,
        code: response.body.error?.code,
        field: response.body.error?.fields?.[0]?.field,
      }).toEqual({
        path,
        status: 400,
        code,
        field,
      });
    }
  });
});

describe('any path a scanner can send', () => {
  const segment = fc.oneof(
    fc.constantFrom('01', '21', '10', '22', '17', '235', '09506000134352', '9506000134352', 'LAP-0001', ''),
    fc.constantFrom('%', '%2', '%FF', '%00', '%2F', '%25', '..', '~', "'", '%E2%82%AC'),
    fc.string({ maxLength: 25 }).map(encodeURIComponent),
  );
  const path = fc
    .tuple(fc.array(segment, { maxLength: 2 }), fc.array(segment, { minLength: 1, maxLength: 7 }))
    .map(([stem, rest]) => `/${[...stem, '01', ...rest].join('/')}`);

  it('answers every path under /01/ with the passport, a redirect, or a 400/404 in the error shape, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(path, fc.constantFrom('', '?linkType=linkset', '?linkType=gs1:pip', '?17=1'), async (p, q) => {
        const response = await app.api.get(`${p}${q}`);
        const where = `${p}${q} → ${response.status}`;
        expect({ where, ok: [200, 307, 400, 404].includes(response.status) }).toEqual({ where, ok: true });
        if (response.status >= 400) {
          expect({ where, code: typeof response.body.error?.code }).toEqual({ where, code: 'string' });
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('with KIERTO_PUBLIC_URL', () => {
  let publicApp: TestApp;

  beforeAll(async () => {
    publicApp = await startTestApp({ publicUrl: 'https://dpp.example.org/kierto' });
    expect((await publicApp.api.post('/devices').send(example('place-laptop-on-market'))).status).toBe(201);
  });

  afterAll(async () => {
    await publicApp.close();
  });

  it('makes every link absolute under the public URL, the stem included', async () => {
    const response = await publicApp.api.get('/kierto/01/9506000134352/21/LAP-0001?linkType=all&minPosition=1');
    expect(response.status).toBe(200);
    const { linkset } = JSON.parse(response.text) as {
      linkset: { anchor: string; 'https://ref.gs1.org/voc/pip': { href: string }[] }[];
    };
    const anchor = linkset[0]?.anchor ?? '';
    expect(anchor).toBe('https://dpp.example.org/kierto/01/09506000134352/21/LAP-0001');
    expect(linkset[0]?.['https://ref.gs1.org/voc/pip'][0]?.href).toBe(
      `https://dpp.example.org/kierto/passports/${LAPTOP_ID}`,
    );
    expect(isValidDigitalLinkUri(anchor)).toBe(true);
    const redirect = await publicApp.api.get('/01/09506000134352/21/LAP-0001?linkType=untp:dpp');
    expect(redirect.headers['location']).toBe(`https://dpp.example.org/kierto/passports/${LAPTOP_ID}/credential`);
  });
});
