/**
 * The producer organisation dashboard (docs/pages.md, "The dashboard") through the real app: its
 * figures are the JSON API's for the same filters, every figure links to the facts behind it and
 * those to the devices' passports, each table's CSV is the table, the data rule holds (another
 * organisation's member is refused, 403), and bad filters show the field's error (400).
 *
 * Two producer organisations in Finland: po-north (members maker-a, maker-b) and po-south
 * (maker-c). Three years placed on the market (2019–2021), then 2022 collected, resold after
 * collection (prepared for re-use) and recycled.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { all, parse, type Element } from '../support/html.js';
import { signIn } from '../support/people.js';
import { Lifecycle, productOf, type Body, type Recorded } from '../support/lifecycle.js';
import { StatisticsReader } from '../support/statistics-reader.js';
import { startTestApp, type Client, type TestApp } from '../support/test-app.js';

let app: TestApp;
let kierto: Lifecycle;
let reader: StatisticsReader;
/** po-north's own key: what its people's browser would send. */
let north: Client;
let south: Client;
let auditor: Client;
let producer: Client;
const YEAR = 2022;

/** A table's rows as the values of its cells: a number's `<data value>`, else its text. */
function tableValues(page: Element, id: string): string[][] {
  const table = page.querySelector(`#table-${id}`);
  if (table === null) throw new Error(`no table ${id}`);
  return all(table, 'tbody tr').map((row) =>
    all(row, 'th,td').map((cell) => {
      const data = cell.querySelector('data');
      return data === null ? '' : (data.getAttribute('value') ?? '');
    }),
  );
}

/** The link of the cell in `row` (0-based, the row header being cell 0) of a table. */
function cellLink(page: Element, id: string, row: number, cell: number): string | null {
  const rowElement = all(page, `#table-${id} tbody tr`)[row];
  const cellElement = rowElement === undefined ? undefined : all(rowElement, 'th,td')[cell];
  return cellElement?.querySelector('a')?.getAttribute('href') ?? null;
}

async function page(client: Client, path: string, status = 200): Promise<Element> {
  const response = await client.get(path).set('Accept', 'text/html');
  expect({ path, status: response.status }).toEqual({ path, status });
  expect(response.headers['content-type']).toMatch(/^text\/html/);
  return parse(response.text);
}

beforeAll(async () => {
  app = await startTestApp();
  kierto = new Lifecycle(app.api);
  reader = new StatisticsReader(app.api);
  north = app.as('po-north', 'producer-organisation');
  south = app.as('po-south', 'producer-organisation');
  auditor = app.as('test-auditor', 'auditor');
  producer = app.as('maker-a', 'producer');
  const track = (recorded: Recorded): Recorded => reader.track(recorded);
  track(await kierto.join('maker-a', 'po-north', '2018-01-01T00:00:00Z'));
  track(await kierto.join('maker-b', 'po-north', '2018-01-01T00:00:00Z'));
  track(await kierto.join('maker-c', 'po-south', '2018-01-01T00:00:00Z'));
  const placed: Record<string, Recorded[]> = { 'maker-a': [], 'maker-b': [], 'maker-c': [] };
  for (const year of [2019, 2020, 2021]) {
    for (const [index, maker] of (['maker-a', 'maker-b', 'maker-c'] as const).entries()) {
      for (const category of [1, 6]) {
        const product: Body = productOf({
          serialNumber: `${maker}-${year}-${category}`,
          weeeCategory: category,
          weightKg: category === 1 ? 40 + index : 2.5,
          manufacturer: maker,
        });
        placed[maker]?.push(
          track(
            await kierto.place(
              `${year}-03-01T10:00:00Z`,
              maker,
              'FI',
              product,
              category === 1 ? 'household' : 'non-household',
            ),
          ),
        );
      }
    }
  }
  // 2022: maker-a's and maker-c's devices of 2019 handed in; one resold after collection, one recycled.
  for (const maker of ['maker-a', 'maker-c'] as const) {
    const [fridge, phone] = placed[maker] ?? [];
    track(await kierto.collect(fridge?.id ?? '', '2022-02-01T10:00:00Z', 'FI'));
    track(await kierto.collect(phone?.id ?? '', '2022-02-02T10:00:00Z', 'FI'));
    track(await kierto.resell(phone?.id ?? '', '2022-03-01T10:00:00Z'));
    track(
      await kierto.recycle(fridge?.id ?? '', '2022-04-01T10:00:00Z', 'FI', 40, [
        { material: 'metals', massKg: 30, fate: 'recycled' },
        { material: 'plastics', massKg: 5, fate: 'energy-recovery' },
        { material: 'residue', massKg: 5, fate: 'disposal' },
      ]),
    );
  }
  // Every page below reads what the statistics have applied by now.
  await reader.get('report', { year: YEAR }, 'ProducerOrganisationReport');
});

afterAll(async () => {
  await app?.close();
});

/** A CSV answer's rows (RFC 4180 as the API writes it: no quoted commas in these tables). */
function csvRows(text: string): string[][] {
  return text
    .trimEnd()
    .split('\r\n')
    .map((line) => line.split(','));
}

const FILTERS: readonly Record<string, string>[] = [
  {},
  { category: '1' },
  { market: 'household' },
  { producerId: 'maker-a' },
  { country: 'FI', category: '6', market: 'household' },
];

const query = (filters: Record<string, string | number>): string =>
  new URLSearchParams(
    Object.entries(filters).map(([name, value]): [string, string] => [name, String(value)]),
  ).toString();

describe('the dashboard’s figures', () => {
  it.each(FILTERS)('are the JSON API’s for the same filters: %j', async (filters) => {
    const dashboard = await page(north, `/dashboard?${query({ year: YEAR, ...filters })}`);
    const json = async (path: string, year = YEAR): Promise<Body> => {
      const response = await north.get(`/statistics/${path}?${query({ year, ...filters })}`);
      expect(response.status).toBe(200);
      return response.body as Body;
    };

    const collection = tableValues(dashboard, 'collection-rates');
    expect(collection.map((row) => row[0])).toEqual(['2018', '2019', '2020', '2021', '2022']);
    for (const row of collection) {
      const document = await json('collection-rate', Number(row[0]));
      const placed = document['placedOnMarket'] as { tonnes: string }[];
      const rate = document['rate'] as { display: string } | null;
      const target = document['target'] as { percent: number } | null;
      const average = document['averagePlacedOnMarket'] as { tonnes: string } | null;
      expect(row).toEqual([
        row[0],
        (document['collected'] as { tonnes: string }).tonnes,
        ...placed.map((year) => year.tonnes),
        average?.tonnes ?? '',
        rate?.display ?? '',
        target === null ? '' : String(target.percent),
        document['met'] === null ? '' : JSON.stringify(document['met']),
      ]);
    }

    const recovery = await json('recovery-rates');
    const categories = recovery['categories'] as {
      category: number;
      collected: { tonnes: string };
      preparedForReuse: { tonnes: string };
      recycled: { tonnes: string };
      recovered: { tonnes: string };
      rates: { kind: string; rate: { display: string } | null; target: number | null; met: boolean | null }[];
    }[];
    const text = (value: string | number | boolean | null | undefined): string =>
      value === null || value === undefined ? '' : String(value);
    expect(tableValues(dashboard, 'recovery-rates')).toEqual(
      categories.map((entry) => {
        const [recoveryRate, second] = entry.rates;
        return [
          String(entry.category),
          entry.collected.tonnes,
          entry.preparedForReuse.tonnes,
          entry.recycled.tonnes,
          entry.recovered.tonnes,
          text(recoveryRate?.rate?.display),
          text(recoveryRate?.target),
          text(recoveryRate?.met),
          text(second?.kind),
          text(second?.rate?.display),
          text(second?.target),
          text(second?.met),
        ];
      }),
    );

    const report = await json('report');
    const columns = [
      'placedOnMarket',
      'collected',
      'preparedForReuse',
      'recycled',
      'energyRecovery',
      'treatedSameCountry',
      'treatedOtherEu',
      'treatedOutsideEu',
      'reuse',
    ];
    const tonnes = (row: Body): string[] => columns.map((column) => (row[column] as { tonnes: string }).tonnes);
    expect(tableValues(dashboard, 'report')).toEqual([
      ...(report['rows'] as Body[]).map((row) => [String(row['category']), String(row['market']), ...tonnes(row)]),
      ['total', 'all', ...tonnes(report['totals'] as Body)],
    ]);
  });

  it('are po-north’s members’ only: maker-c (po-south) is in the national figures, not in po-north’s', async () => {
    const own = tableValues(await page(north, `/dashboard?year=${YEAR}`), 'report');
    const national = tableValues(await page(auditor, `/dashboard?year=${YEAR}`), 'report');
    const southern = tableValues(await page(south, `/dashboard?year=${YEAR}`), 'report');
    const collectedTotal = (rows: string[][]): string | undefined => rows.at(-1)?.[3];
    // Each organisation's member collected one appliance and one 2.5 kg phone: maker-a's 40 kg, maker-c's 42 kg.
    expect(collectedTotal(own)).toBe('0.043');
    expect(collectedTotal(southern)).toBe('0.045');
    // 42.5 + 44.5 kg: the national figure is both organisations' together.
    expect(collectedTotal(national)).toBe('0.087');
  });

  it('show a producer its own figures, without the member filter', async () => {
    const own = await page(producer, `/dashboard?year=${YEAR}`);
    expect(own.querySelector('#filter-producerId')).toBeNull();
    const api = await producer.get(`/statistics/report?year=${YEAR}`);
    expect(tableValues(own, 'report').at(-1)?.[3]).toBe(
      (api.body.totals as { collected: { tonnes: string } }).collected.tonnes,
    );
  });

  it('say so when there are none: an empty state instead of tables of zeros', async () => {
    const empty = await page(north, '/dashboard?year=2010');
    expect(empty.querySelector('#empty')?.textContent).toMatch(/There are no figures for these filters/);
    expect(empty.querySelector('table')).toBeNull();
    expect(empty.querySelector('svg[role=img]')).toBeNull();
  });
});

describe('from a figure to its facts and the devices’ passports', () => {
  /** The device ids of the API's facts for the same figure, in its order. */
  async function apiFacts(client: Client, filters: Record<string, string | number>): Promise<string[]> {
    const response = await client.get(`/statistics/facts?${query(filters)}`);
    expect(response.status).toBe(200);
    return (response.body.items as { deviceId: string }[]).map((item) => item.deviceId);
  }

  function factDevices(facts: Element): { id: string; href: string | null }[] {
    return all(facts, '#facts tbody tr').map((row) => {
      const link = row.querySelector('a');
      return { id: link?.textContent ?? '', href: link?.getAttribute('href') ?? null };
    });
  }

  it('leads from the collection rate to the facts of what was collected, and from each to its passport', async () => {
    const dashboard = await page(north, `/dashboard?year=${YEAR}&lang=en`);
    const rows = all(dashboard, '#table-collection-rates tbody tr');
    const rateLink = cellLink(dashboard, 'collection-rates', rows.length - 1, 6);
    expect(rateLink).toBe(`/dashboard/facts?year=${YEAR}&measure=COL&lang=en`);
    const facts = await page(north, rateLink ?? '');
    const devices = factDevices(facts);
    expect(devices.map((device) => device.id)).toEqual(await apiFacts(north, { year: YEAR, measure: 'COL' }));
    expect(devices).toHaveLength(2);
    for (const device of devices) {
      expect(device.href).toBe(`/passports/${encodeURIComponent(device.id)}`);
      const passport = await request(app.http)
        .get(device.href ?? '')
        .set('Accept', 'text/html');
      expect(passport.status).toBe(200);
      expect(passport.text).toContain(device.id.split(':').at(-1) ?? '');
    }
  });

  it('leads from each year placed on the market to that year’s facts', async () => {
    const dashboard = await page(north, `/dashboard?year=${YEAR}`);
    const rows = all(dashboard, '#table-collection-rates tbody tr');
    for (const [cell, year] of [
      [2, YEAR - 3],
      [3, YEAR - 2],
      [4, YEAR - 1],
    ] as const) {
      const link = cellLink(dashboard, 'collection-rates', rows.length - 1, cell);
      expect(link).toBe(`/dashboard/facts?year=${year}&measure=POM`);
      const devices = factDevices(await page(north, link ?? ''));
      expect(devices.map((device) => device.id)).toEqual(await apiFacts(north, { year, measure: 'POM' }));
      // maker-a and maker-b placed two devices each that year; maker-c's are po-south's.
      expect(devices).toHaveLength(4);
    }
  });

  it('leads from a rate of two measures (prepared for re-use + recycled) to the facts of both', async () => {
    const dashboard = await page(north, `/dashboard?year=${YEAR}`);
    const link = cellLink(dashboard, 'recovery-rates', 0, 9);
    expect(link).toBe(`/dashboard/facts?year=${YEAR}&measure=PFR&measure=RCY&category=1`);
    const devices = factDevices(await page(north, link ?? ''));
    expect(devices.map((device) => device.id)).toEqual([
      ...(await apiFacts(north, { year: YEAR, measure: 'PFR', category: 1 })),
      ...(await apiFacts(north, { year: YEAR, measure: 'RCY', category: 1 })),
    ]);
  });

  it('leads from a treated cell of the report to the facts of that treatment location', async () => {
    const dashboard = await page(north, `/dashboard?year=${YEAR}`);
    const totals = all(dashboard, '#table-report tbody tr').length - 1;
    const link = cellLink(dashboard, 'report', totals, 7);
    expect(link).toBe(`/dashboard/facts?year=${YEAR}&measure=TREATED&treatment=same-country`);
    const devices = factDevices(await page(north, link ?? ''));
    expect(devices.map((device) => device.id)).toEqual(
      await apiFacts(north, { year: YEAR, measure: 'TREATED', treatment: 'same-country' }),
    );
  });

  it('pages through the facts of several measures, each fact once, in the API’s order', async () => {
    const expected = [
      ...(await apiFacts(auditor, { year: 2019, measure: 'POM' })),
      ...(await apiFacts(auditor, { year: 2019, measure: 'REUSE' })),
    ];
    expect(expected).toHaveLength(6);
    const seen: string[] = [];
    let next: string | null = '/dashboard/facts?year=2019&measure=POM&measure=REUSE&limit=4';
    let pages = 0;
    while (next !== null) {
      const facts = await page(auditor, next);
      seen.push(...factDevices(facts).map((device) => device.id));
      next = facts.querySelector('a[rel=next]')?.getAttribute('href') ?? null;
      pages += 1;
      expect(pages).toBeLessThan(5);
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(expected);
  });

  it('says so when a figure has no facts', async () => {
    const facts = await page(north, `/dashboard/facts?year=${YEAR}&measure=REUSE`);
    expect(facts.querySelector('#no-facts')).not.toBeNull();
  });
});

describe('the CSV of each table', () => {
  it.each(['collection-rates', 'recovery-rates', 'report'])('is the table: %s', async (id) => {
    const filters = { year: YEAR, category: 6, lang: 'fi' };
    const dashboard = await page(north, `/dashboard?${query(filters)}`);
    const link = dashboard.querySelector(`a[href^="/dashboard/${id}.csv"]`)?.getAttribute('href');
    expect(link).toBe(`/dashboard/${id}.csv?${query(filters)}`);
    const csv = await north.get(link ?? '');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="${id}-${YEAR}.csv"`);
    const [header, ...rows] = csvRows(csv.text);
    expect(header?.length).toBe(all(dashboard, `#table-${id} thead th`).length);
    expect(rows).toEqual(tableValues(dashboard, id));
  });

  it('of the facts page is the API’s facts CSV for the same facts', async () => {
    const ours = await north.get(`/dashboard/facts.csv?year=${YEAR}&measure=COL`);
    const api = await north.get(`/statistics/facts?year=${YEAR}&measure=COL&format=csv`);
    expect(ours.status).toBe(200);
    expect(ours.text).toBe(api.text);
  });
});

describe('the data rule', () => {
  it('refuses another organisation’s member (403): the field says why, no figure is shown', async () => {
    const refused = await page(north, `/dashboard?year=${YEAR}&producerId=maker-c`, 403);
    expect(refused.querySelector('#filter-producerId')?.getAttribute('aria-invalid')).toBe('true');
    expect(refused.querySelector('#filter-producerId-error')?.textContent).toMatch(/never been a member/);
    expect(refused.querySelector('#filter-producerId')?.getAttribute('value')).toBe('maker-c');
    expect(refused.querySelector('table')).toBeNull();
  });

  it('refuses another organisation by its id, on the page, the facts page and the CSV', async () => {
    const refused = await page(north, `/dashboard?year=${YEAR}&organisationId=po-south`, 403);
    // The form has no organisation field for an organisation: the summary names the parameter, links nowhere.
    expect(refused.querySelector('#problems li')?.textContent).toBe(
      "Producer organisation (id): You can see your own organisation's figures only.",
    );
    expect(refused.querySelector('#problems a')).toBeNull();
    const facts = await page(north, `/dashboard/facts?year=${YEAR}&measure=COL&producerId=maker-c`, 403);
    expect(facts.querySelector('#facts')).toBeNull();
    const csv = await north.get(`/dashboard/report.csv?year=${YEAR}&producerId=maker-c`);
    expect({ status: csv.status, code: csv.body.error?.code, field: csv.body.error?.fields?.[0]?.field }).toEqual({
      status: 403,
      code: 'FORBIDDEN',
      field: 'producerId',
    });
  });

  it('refuses a producer another producer’s figures (403), saying it sees its own only', async () => {
    const refused = await page(producer, `/dashboard?year=${YEAR}&producerId=maker-b`, 403);
    expect(refused.querySelector('#problems li')?.textContent).toBe(
      'Member (producer id): As a producer you see your own figures only.',
    );
    expect(refused.querySelector('table')).toBeNull();
  });

  it('lets an auditor read any organisation, and a producer organisation each of its members', async () => {
    const southern = await page(auditor, `/dashboard?year=${YEAR}&organisationId=po-south`);
    expect(tableValues(southern, 'report')).toEqual(
      tableValues(await page(south, `/dashboard?year=${YEAR}`), 'report'),
    );
    await page(north, `/dashboard?year=${YEAR}&producerId=maker-b`);
  });
});

describe('bad filters', () => {
  it.each([
    ['year', 'year=abc', /Enter a year from 1900 to 2100/],
    ['year', 'year=', /Enter a year/],
    ['year', 'year=1800', /Enter a year/],
    ['country', 'year=2022&country=XX', /country code of two letters/],
    ['category', 'year=2022&category=9', /WEEE category from 1 to 6/],
    ['market', 'year=2022&market=shop', /household or other than household/],
    ['producerId', `year=2022&producerId=${'p'.repeat(201)}`, /at most 200 characters/],
    ['producerId', 'year=2022&producerId=a%00b', /producer id/],
    ['year', 'year=2022&year=2021', /Enter a year/],
  ])('show the field’s error (400) for %s: %s', async (field, search, message) => {
    const refused = await page(north, `/dashboard?${search}&lang=en`, 400);
    const input = refused.querySelector(`#filter-${field}`);
    expect(input?.getAttribute('aria-invalid')).toBe('true');
    expect(input?.getAttribute('aria-describedby')).toContain(`filter-${field}-error`);
    expect(refused.querySelector(`#filter-${field}-error`)?.textContent).toMatch(message);
    expect(refused.querySelector('#problems a')?.getAttribute('href')).toBe(`#filter-${field}`);
    expect(refused.querySelector('table')).toBeNull();
  });

  it('name an unknown parameter (400)', async () => {
    const refused = await page(north, '/dashboard?year=2022&colour=red', 400);
    expect(refused.querySelector('#problems')?.textContent).toMatch(/colour/);
  });

  it('are said in the page’s language', async () => {
    const refused = await page(north, '/dashboard?year=abc&lang=fi', 400);
    expect(refused.querySelector('#filter-year-error')?.textContent).toBe('Anna vuosi väliltä 1900–2100.');
  });

  it.each([
    ['no measure', `year=${YEAR}`],
    ['an unknown measure', `year=${YEAR}&measure=NOPE`],
    ['a measure twice', `year=${YEAR}&measure=COL&measure=COL`],
    ['an unknown treatment', `year=${YEAR}&measure=TREATED&treatment=moon`],
    ['a cursor not given out', `year=${YEAR}&measure=COL&cursor=bm9wZQ`],
    ['a cursor of another measure', `year=${YEAR}&measure=COL&cursor=${Buffer.from('5:POM').toString('base64url')}`],
    ['a limit out of range', `year=${YEAR}&measure=COL&limit=201`],
    ['a bad filter', `year=${YEAR}&measure=COL&country=XX`],
  ])('on the facts page are a 400 page naming the parameter: %s', async (_, search) => {
    const refused = await page(north, `/dashboard/facts?${search}`, 400);
    expect(refused.querySelector('[role=alert]')).not.toBeNull();
    expect(refused.querySelector('#facts')).toBeNull();
  });

  it('of a CSV are the API’s 400 VALIDATION_FAILED naming the parameter', async () => {
    const refused = await north.get('/dashboard/report.csv?year=abc');
    expect({
      status: refused.status,
      code: refused.body.error?.code,
      field: refused.body.error?.fields?.[0]?.field,
    }).toEqual({
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'year',
    });
    const facts = await north.get(`/dashboard/facts.csv?year=${YEAR}&measure=NOPE`);
    expect({ status: facts.status, code: facts.body.error?.code, field: facts.body.error?.fields?.[0]?.field }).toEqual(
      {
        status: 400,
        code: 'VALIDATION_FAILED',
        field: 'measure',
      },
    );
    const another = await north.get(`/dashboard/facts.csv?year=${YEAR}&measure=COL&organisationId=po-south`);
    expect({ status: another.status, field: another.body.error?.fields?.[0]?.field }).toEqual({
      status: 403,
      field: 'organisationId',
    });
  });
});

describe('the page', () => {
  it('is in the reader’s language, numbers in its locale', async () => {
    const finnish = await north.get(`/dashboard?year=${YEAR}`).set('Accept', 'text/html').set('Accept-Language', 'fi');
    expect(finnish.headers['content-language']).toBe('fi');
    const document = parse(finnish.text);
    expect(document.querySelector('h1')?.textContent).toBe('SER-tilastot');
    const collected = document.querySelector('#table-report tbody tr:last-child td:nth-child(4) data');
    expect(collected?.getAttribute('value')).toBe('0.043');
    expect(collected?.textContent).toBe('0,043');
  });

  it('holds nothing the Content-Security-Policy refuses: no style element or attribute, no script', async () => {
    const response = await north.get(`/dashboard?year=${YEAR}`).set('Accept', 'text/html');
    expect(response.headers['content-security-policy']).toMatch(/style-src 'sha256-/);
    const main = response.text.slice(response.text.indexOf('<main>'));
    expect(main).not.toMatch(/<style|style=|<script/);
    const document = parse(response.text);
    const charts = all(document, 'figure > svg[role=img]');
    expect(charts.map((chart) => chart.getAttribute('aria-label'))).toEqual([
      'Collection rate 2018–2022 against the target in force, per year',
      `Recovery and recycling rates per category in ${YEAR} against the Annex V targets`,
    ]);
  });

  it('keeps its address when the language is switched: a facts page stays that facts page', async () => {
    const facts = await page(north, `/dashboard/facts?year=${YEAR}&measure=COL&lang=en`);
    const swedish = facts.querySelector('a[hreflang=sv]')?.getAttribute('href');
    expect(swedish).toBe(`?year=${YEAR}&measure=COL&lang=sv`);
    const translated = await page(north, `/dashboard/facts${swedish ?? ''}`);
    expect(translated.querySelector('h1')?.textContent).toBe(`Händelser: insamlat, ${YEAR}`);
  });

  it('sends a browser without a session or key to sign in', async () => {
    const response = await request(app.http).get(`/dashboard?year=${YEAR}`).set('Accept', 'text/html');
    expect(response.status).toBe(303);
    expect(response.headers['location']).toBe(`/sign-in?next=${encodeURIComponent(`/dashboard?year=${YEAR}`)}`);
  });

  it('is refused to a role without statistics:read', async () => {
    const response = await app.as('bench-repair', 'repairer').get(`/dashboard?year=${YEAR}`).set('Accept', 'text/html');
    expect(response.status).toBe(403);
    expect(response.text).not.toContain('table-report');
  });

  it('shows a signed-in person of po-north the same figures as po-north’s key', async () => {
    const person = await signIn(app, 'po-north', ['producer-organisation']);
    const response = await request(app.http)
      .get(`/dashboard?year=${YEAR}`)
      .set('Accept', 'text/html')
      .set('Cookie', person.cookie);
    expect(response.status).toBe(200);
    const byCookie = parse(response.text);
    const byKey = await page(north, `/dashboard?year=${YEAR}`);
    for (const id of ['collection-rates', 'recovery-rates', 'report'])
      expect(tableValues(byCookie, id)).toEqual(tableValues(byKey, id));
    expect(response.text).toContain(person.displayName);
    const facts = await request(app.http)
      .get(`/dashboard/facts?year=${YEAR}&measure=COL`)
      .set('Accept', 'text/html')
      .set('Cookie', person.cookie);
    expect(facts.status).toBe(200);
    const csv = await request(app.http).get(`/dashboard/report.csv?year=${YEAR}`).set('Cookie', person.cookie);
    expect(csv.status).toBe(200);
    expect(csvRows(csv.text).slice(1)).toEqual(tableValues(byKey, 'report'));
  });
});
