import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { UNU_KEYS, deviceIdOf } from '#kierto/domain';
import { parseCsv } from './csv.js';
import {
  ORDS_COLUMNS,
  ORDS_PRODUCT_CATEGORIES,
  OrdsExport,
  OrdsFileError,
  PROBLEM_NOT_RECORDED,
  ordsColumnOfImportField,
  ordsEventId,
  ordsRecordToImportLine,
  readOrdsFile,
} from './ords.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../../../test/fixtures/standards/ords/${name}`, import.meta.url), 'utf8');

const record = (overrides: Record<string, string> = {}): Record<string, string> => ({
  id: 'cafe_7',
  data_provider: 'Repair Café Espoo',
  country: 'FIN',
  partner_product_category: 'Leivänpaahdin',
  product_category: 'Toaster',
  product_category_id: '31',
  brand: 'Philips',
  year_of_manufacture: '2015',
  product_age: '10',
  repair_status: 'End of life',
  repair_barrier_if_end_of_life: 'Too worn out',
  group_identifier: 'Espoo',
  event_date: '2025-04-05',
  problem: 'Element broken',
  ...overrides,
});

const mapped = (overrides: Record<string, string> = {}) => {
  const result = ordsRecordToImportLine(record(overrides), 2);
  if (!result.ok) throw new Error(`refused: ${result.error.code}`);
  return result.line;
};
const refusal = (overrides: Record<string, string>) => {
  const result = ordsRecordToImportLine(record(overrides), 2);
  if (result.ok) throw new Error('accepted');
  return result.error;
};

describe('the ORDS product categories', () => {
  it('are the 40 of the category list, each with the UNU-KEY the map gives it', () => {
    const listed = parseCsv(fixture('ords-v0.3-product-categories.csv'))
      .slice(1)
      .map((row) => [Number(row.fields[0]), row.fields[1]]);
    const map = parseCsv(fixture('ords-product-category-unu-key-map.csv'))
      .slice(1)
      .map((row) => [Number(row.fields[0]), row.fields[1], (row.fields[2] ?? '').padStart(4, '0')]);
    expect(ORDS_PRODUCT_CATEGORIES.map(([id, name]) => [id, name])).toEqual(listed);
    expect(ORDS_PRODUCT_CATEGORIES).toEqual(map);
  });

  it('each map to a UNU-KEY Kierto knows, and so to an Annex III category', () => {
    for (const [, , unuKey] of ORDS_PRODUCT_CATEGORIES) expect(UNU_KEYS[unuKey]).toBeDefined();
  });
});

describe('an ORDS record', () => {
  it('stands for one repair of one unit: its device the local id of its provider and id', () => {
    const line = mapped();
    expect(line.deviceId).toBe(deviceIdOf({ issuer: 'Repair Café Espoo', localId: 'cafe_7' }));
    expect(line.eventId).toBe(ordsEventId(line.deviceId));
    expect(line).toMatchObject({ type: 'DeviceRepaired', occurredAt: '2025-04-05T12:00:00Z' });
    expect(line.data).toEqual({
      problem: 'Element broken',
      actions: [],
      partsReplaced: [],
      outcome: 'end-of-life',
      barrier: 'item-too-worn-out',
      // Toaster → UNU-KEY 0202 → Annex III category 5.
      product: {
        weeeCategory: UNU_KEYS['0202']?.annexIII,
        unuKey: '0202',
        localId: { issuer: 'Repair Café Espoo', value: 'cafe_7' },
        brand: 'Philips',
        yearOfManufacture: 2015,
      },
      source: { standard: 'ORDS', version: '0.3', record: record() },
    });
  });

  it('reads every spelling of barrier 6 and each repair status', () => {
    for (const spelling of ['Item too worn out', 'Too worn out', 'Product too worn out'])
      expect(mapped({ repair_barrier_if_end_of_life: spelling }).data.barrier).toBe('item-too-worn-out');
    const outcomes = ['Fixed', 'Repairable', 'Unknown'].map(
      (status) => mapped({ repair_status: status, repair_barrier_if_end_of_life: '' }).data.outcome,
    );
    expect(outcomes).toEqual(['fixed', 'repairable', 'unknown']);
  });

  it('leaves out what it does not know: brand "Unknown" or empty, no year', () => {
    const { product } = mapped({ brand: 'Unknown', year_of_manufacture: '' }).data;
    expect(product).not.toHaveProperty('brand');
    expect(product).not.toHaveProperty('yearOfManufacture');
    expect(mapped({ brand: '' }).data.product).not.toHaveProperty('brand');
  });

  it('keeps an empty or long problem whole in its source, and gives Kierto’s field what it can hold', () => {
    expect(mapped({ problem: '' }).data.problem).toBe(PROBLEM_NOT_RECORDED);
    const long = 'x'.repeat(3000);
    const line = mapped({ problem: long });
    expect([...line.data.problem]).toHaveLength(2000);
    expect(line.data.source?.record.problem).toBe(long);
  });

  it.each([
    [{ id: '' }, 'REQUIRED', 'id'],
    [{ data_provider: ' ' }, 'REQUIRED', 'data_provider'],
    [{ event_date: '2025-13-01' }, 'INVALID_DATE', 'event_date'],
    [{ event_date: '5.4.2025' }, 'INVALID_DATE', 'event_date'],
    [{ repair_status: 'fixed' }, 'INVALID_CODE', 'repair_status'],
    [{ repair_barrier_if_end_of_life: 'Broken' }, 'INVALID_CODE', 'repair_barrier_if_end_of_life'],
    [{ product_category_id: '41' }, 'ORDS_UNKNOWN_CATEGORY', 'product_category_id'],
    [{ product_category: 'Kettle' }, 'ORDS_CATEGORY_MISMATCH', 'product_category'],
    [{ year_of_manufacture: '15' }, 'INVALID_FORMAT', 'year_of_manufacture'],
  ])('is refused with %j: %s naming %s', (overrides, code, field) => {
    expect(refusal(overrides)).toMatchObject({ code, field, line: 2 });
  });
});

describe('an ORDS file', () => {
  const header = ORDS_COLUMNS.join(',');
  const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
  const fileError = (text: string): OrdsFileError => {
    try {
      readOrdsFile(bytes(text));
    } catch (error) {
      if (error instanceof OrdsFileError) return error;
      throw error;
    }
    throw new Error('read');
  };

  it('is refused as a whole for an unknown, repeated or missing column, naming it', () => {
    expect(fileError(`${header},colour\n`)).toMatchObject({ code: 'UNKNOWN_COLUMN', field: 'colour', column: 15 });
    expect(fileError(`${header},id\n`)).toMatchObject({ code: 'DUPLICATE_COLUMN', field: 'id', column: 15 });
    expect(fileError('id,data_provider,repair_status,event_date\n')).toMatchObject({
      code: 'MISSING_COLUMN',
      field: 'product_category_id',
    });
    expect(fileError('')).toMatchObject({ code: 'REQUIRED' });
  });

  it('names the column number of a refused record’s field, as the header places it', () => {
    const reordered = ['event_date', ...ORDS_COLUMNS.filter((column) => column !== 'event_date')];
    const values = reordered.map((column) => (column === 'event_date' ? 'yesterday' : (record()[column] ?? '')));
    const file = readOrdsFile(bytes(`${reordered.join(',')}\n\n${values.join(',')}\n`));
    expect(file.records).toBe(1);
    expect(file.refused).toEqual([expect.objectContaining({ line: 3, code: 'INVALID_DATE', column: 1 })]);
  });
});

describe('the import error fields', () => {
  it.each([
    ['occurredAt', 'event_date'],
    ['data.product.brand', 'brand'],
    ['data.product.yearOfManufacture', 'year_of_manufacture'],
    ['data.source.record.problem', 'problem'],
    ['data.barrier', 'repair_barrier_if_end_of_life'],
    ['type', ''],
  ])('%s is column %s', (field, column) => {
    expect(ordsColumnOfImportField(field)).toBe(column);
  });
});

describe('the export of Kierto’s own repairs', () => {
  const repair = (data: Record<string, unknown>, at = '2025-03-01T23:30:00+02:00') => ({
    streamId: 'gtin:09506000134352:S1',
    type: 'DeviceRepaired',
    occurredAt: at,
    globalPosition: 9,
    actor: { organisationId: 'repairer-1' },
    data: { problem: 'No picture', actions: [], partsReplaced: [], outcome: 'fixed', labourMinutes: 5, ...data },
  });

  it('writes the device’s category, brand, age and country, the UTC date, and Misc where the UNU-KEY is shared', () => {
    const exported = new OrdsExport(() => true);
    exported.add({
      streamId: 'gtin:09506000134352:S1',
      type: 'DevicePlacedOnMarket',
      occurredAt: '2020-01-01T00:00:00Z',
      globalPosition: 1,
      actor: { organisationId: 'producer-1' },
      data: { country: 'SE', product: { weeeCategory: 2, unuKey: '0408', brand: 'Vision', yearOfManufacture: 2019 } },
    });
    exported.add(repair({}));
    exported.add({ ...repair({}), streamId: 'local:x:1', globalPosition: 10 });
    exported.add({
      streamId: 'local:x:2',
      type: 'DeviceCollected',
      occurredAt: '2024-01-01T00:00:00Z',
      globalPosition: 11,
      actor: { organisationId: 'collector-1' },
      data: { country: 'DE', product: { weeeCategory: 6, weightKg: 2, unuKey: '0303' } },
    });
    exported.add({ ...repair({}), streamId: 'local:x:2', globalPosition: 12 });
    const [head, first, second, third] = exported.rows();
    expect(head).toEqual([...ORDS_COLUMNS]);
    expect(first).toEqual([
      'kierto-9',
      'Kierto',
      'SWE',
      'Flat screen',
      'Flat screen',
      '8',
      'Vision',
      '2019',
      '6',
      'Fixed',
      '',
      'repairer-1',
      '2025-03-01',
      'No picture',
    ]);
    // A device without a known product: Misc, brand Unknown, no country.
    expect(second?.slice(2, 9)).toEqual(['', 'Misc', 'Misc', '18', 'Unknown', '', '']);
    // UNU-KEY 0303 is both Laptop and Tablet in the map: Misc rather than a guess.
    expect(third?.slice(2, 9)).toEqual(['DEU', 'Misc', 'Misc', '18', 'Unknown', '', '']);
  });

  it('leaves out the repairs the caller may not read', () => {
    const exported = new OrdsExport((event) => event.actor.organisationId === 'someone-else');
    exported.add(repair({}));
    expect(exported.rows()).toHaveLength(1);
  });
});
