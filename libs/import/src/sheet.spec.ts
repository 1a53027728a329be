/**
 * Spreadsheet rows through the bulk import (ADR 0024): mapping checks, cell conversion, event ids of
 * rows, and progress reported after each committed batch.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { SqliteEventStore } from '#kierto/event-store/sqlite';
import {
  intakeEventId,
  mappingProblems,
  rowToLine,
  runIntake,
  type ColumnMapping,
  type IntakeProgress,
  type IntakeRowError,
  type Sheet,
} from './sheet.js';

const actor = { organisationId: 'centre-1', role: 'operator', keyId: 'cli' };
const NOW = new Date('2026-01-01T00:00:00Z');

const MAPPING: ColumnMapping = {
  eventType: 'DeviceCollected',
  columns: {
    occurredAt: 'Päivä',
    'data.product.weeeCategory': 'Luokka',
    'data.product.weightKg': 'Paino',
    'data.product.localId.value': 'Tarra',
  },
  constants: {
    'data.product.localId.issuer': 'centre-1',
    'data.collectionPointId': 'cp-1',
    'data.channel': 'reuse-centre',
    'data.source': 'household',
    'data.country': 'FI',
    'data.condition': 'unknown',
  },
};

function sheetOf(rows: readonly (readonly string[])[]): Sheet {
  return {
    columns: ['Tarra', 'Luokka', 'Paino', 'Päivä'],
    rows: rows.map((cells, index) => ({ row: index + 2, cells })),
  };
}

const rowsOf = (count: number): string[][] =>
  Array.from({ length: count }, (_, index) => [`T-${index}`, '6', '1,5', '2025-09-01']);

describe('mappingProblems', () => {
  it('accepts a mapping whose targets are fields of the event and whose columns the sheet has', () => {
    expect(mappingProblems(MAPPING, ['Tarra', 'Luokka', 'Paino', 'Päivä'])).toEqual([]);
  });

  it('names each problem by its field in the mapping', () => {
    const problems = mappingProblems(
      {
        eventType: 'DeviceCollected',
        columns: { 'data.product': 'Tuote', 'data.colour': 'Väri', 'data.country': 'Maa' },
        constants: { 'data.country': 'FI', 'data.channel': { nested: true } },
        extra: 1,
      },
      ['Tuote', 'Väri'],
    ).map((problem) => `${problem.code} ${problem.field}`);
    expect(problems).toEqual([
      'UNKNOWN_FIELD extra',
      'UNKNOWN_TARGET_FIELD columns.data.product',
      'UNKNOWN_TARGET_FIELD columns.data.colour',
      'UNKNOWN_COLUMN columns.data.country',
      'DUPLICATE_TARGET constants.data.country',
      'INVALID_VALUE constants.data.channel',
      'REQUIRED columns.occurredAt',
    ]);
  });
});

describe('rowToLine', () => {
  it('reads a decimal comma, a date without time at noon UTC, and leaves empty cells out', () => {
    const sheet = sheetOf([['', '6', '1,5', '2025-09-01']]);
    const line = rowToLine(sheet, MAPPING, sheet.rows[0]!);
    expect(line).toEqual({
      type: 'DeviceCollected',
      occurredAt: '2025-09-01T12:00:00Z',
      data: {
        collectionPointId: 'cp-1',
        channel: 'reuse-centre',
        source: 'household',
        country: 'FI',
        condition: 'unknown',
        product: { weeeCategory: 6, weightKg: 1.5, localId: { issuer: 'centre-1' } },
      },
    });
  });

  it('reads an XLSX date at midnight as a date (noon UTC), and a date-time as it is', () => {
    const sheet: Sheet = {
      columns: ['Tarra', 'Luokka', 'Paino', 'Päivä'],
      rows: [
        { row: 2, cells: ['T-1', 6, 1.5, new Date(Date.UTC(2025, 8, 1))] },
        { row: 3, cells: ['T-2', 6, 1.5, new Date(Date.UTC(2025, 8, 1, 9, 30))] },
      ],
    };
    expect(sheet.rows.map((row) => rowToLine(sheet, MAPPING, row)['occurredAt'])).toEqual([
      '2025-09-01T12:00:00Z',
      '2025-09-01T09:30:00.000Z',
    ]);
  });

  it('passes a cell that is not a number on as text, for the schema check to name', () => {
    const sheet = sheetOf([['T-1', 'kuusi', '1.5', '2025-09-01']]);
    expect(rowToLine(sheet, MAPPING, sheet.rows[0]!)).toMatchObject({ data: { product: { weeeCategory: 'kuusi' } } });
  });
});

describe('intakeEventId', () => {
  it('depends on the organisation and the line, not on where the row is', () => {
    const line = { type: 'DeviceCollected', occurredAt: '2025-09-01T12:00:00Z', data: { a: 1 } };
    expect(intakeEventId('centre-1', line)).toBe(intakeEventId('centre-1', { ...line }));
    expect(intakeEventId('centre-1', line)).not.toBe(intakeEventId('centre-2', line));
    expect(intakeEventId('centre-1', line)).not.toBe(intakeEventId('centre-1', { ...line, data: { a: 2 } }));
  });
});

describe('runIntake', () => {
  let store: SqliteEventStore;

  beforeEach(async () => {
    store = new SqliteEventStore({ file: ':memory:' });
    await store.init();
  });
  afterEach(async () => {
    await store.close();
  });

  it('reports progress after each batch, moving from 0 to every row, with rate and ETA', async () => {
    const seen: IntakeProgress[] = [];
    const summary = await runIntake(store, sheetOf(rowsOf(1_000)), MAPPING, {
      actor,
      now: () => NOW,
      batchEvents: 100,
      onProgress: (progress) => {
        seen.push(progress);
      },
    });
    expect(summary).toMatchObject({ rows: 1_000, rowsRead: 1_000, imported: 1_000, refused: 0, etaSeconds: 0 });
    expect(seen.length).toBe(10);
    const imported = seen.map((progress) => progress.imported);
    expect(imported).toEqual([...imported].sort((a, b) => a - b));
    const between = seen.filter((progress) => progress.imported > 0 && progress.imported < 1_000);
    expect(between.length).toBeGreaterThan(0);
    expect(between.every((progress) => progress.etaSeconds !== null && progress.rowsPerSecond > 0)).toBe(true);
  });

  it('maps each refused row back to its sheet row, cells and column; a shuffled re-run imports nothing', async () => {
    const rows = rowsOf(5);
    rows[1] = ['T-1', '6', '500', '2025-09-01'];
    rows[3] = ['T-3', '6', '1', '1.9.2025'];
    const errors: IntakeRowError[] = [];
    const first = await runIntake(store, sheetOf(rows), MAPPING, {
      actor,
      now: () => NOW,
      onError: (error) => {
        errors.push(error);
      },
    });
    expect(first).toMatchObject({ imported: 3, refused: 2 });
    expect(errors.map(({ row, code, column, cells }) => ({ row, code, column, label: cells[0] }))).toEqual([
      { row: 3, code: 'WEIGHT_IMPLAUSIBLE', column: 'Paino', label: 'T-1' },
      { row: 5, code: 'INVALID_TIMESTAMP', column: 'Päivä', label: 'T-3' },
    ]);
    const again = await runIntake(store, sheetOf([...rows].reverse()), MAPPING, { actor, now: () => NOW });
    expect(again).toMatchObject({ imported: 0, duplicates: 3, refused: 2, lastPosition: null });
  });
});
