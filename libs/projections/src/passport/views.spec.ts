import { describe, expect, it } from '@jest/globals';
import type { DeviceEvent } from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';
import { documentSchemas, PASSPORT_VIEW_DOCUMENTS, passportViewSchema, validateDocument } from '#kierto/schemas';
import { selectSchema } from '#kierto/schemas';
import { collected, idOf, phone, placedOnMarket, recycled, repaired, resold, wiped, wipeFailed } from '#kierto/testing';
import { evolvePassport, type Passport } from './passport.js';
import { isPassportView, PASSPORT_VIEWS, passportView, type PassportView, type PublicPassport } from './views.js';

// ------------------------------------------------------------------ a rich history, by several actors

const actors = {
  producer: { organisationId: 'org-aalto-computing', role: 'producer', keyId: 'key-aalto-7f3a' },
  collector: { organisationId: 'org-reuse-centre-kalasatama', role: 'collector', keyId: 'key-kalasatama-01' },
  refurbisher: { organisationId: 'org-renewd-tampere', role: 'refurbisher', keyId: 'key-renewd-22' },
  repairer: { organisationId: 'org-korjaamo-oulu', role: 'repairer', keyId: 'key-korjaamo-5' },
  recycler: { organisationId: 'org-kuusakoski-heinola', role: 'recycler', keyId: 'key-heinola-9' },
} as const;

const PRODUCER_ID = 'producer-aalto-computing';
const FACILITY_ID = 'recycler-fi-heinola-017';
const FAILED_CERTIFICATE = 'WIPE-2025-000124';
const PASSED_CERTIFICATE = 'WIPE-2025-000123';
const MEDIA_SERIALS = ['S5H7NS0N123456', 'WD-WXB1A7654321'];

const passingMedia = [
  { type: 'nvme', serialNumber: 'S5H7NS0N123456', capacityGb: 512, result: 'passed' },
  { type: 'hdd', serialNumber: 'WD-WXB1A7654321', capacityGb: 1000, result: 'passed' },
] as const;

/** Placed on the market, collected, wiped (a failure, then a pass), repaired for a price, resold, collected, recycled. */
const history: readonly [DeviceEvent, keyof typeof actors][] = [
  [placedOnMarket({ producerId: PRODUCER_ID }), 'producer'],
  [collected(), 'collector'],
  [wipeFailed({ certificateId: FAILED_CERTIFICATE }), 'refurbisher'],
  [wiped({ media: [...passingMedia], certificateId: PASSED_CERTIFICATE }), 'refurbisher'],
  [repaired({ cost: { amount: 89, currency: 'EUR' } }), 'repairer'],
  [resold(), 'refurbisher'],
  [collected({ occurredAt: '2025-05-02T08:00:00Z' }), 'collector'],
  [recycled({ occurredAt: '2025-05-20T08:00:00Z', facilityId: FACILITY_ID }), 'recycler'],
];

function stored(events: readonly (readonly [DeviceEvent, keyof typeof actors])[], streamId: string): StoredEvent[] {
  return events.map(([event, actor], index) => ({
    eventId: `0b6f3c1e-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
    type: event.type,
    schemaVersion: 1,
    occurredAt: event.occurredAt,
    actor: actors[actor],
    correlationId: `correlation-${index}`,
    causationId: null,
    data: JSON.parse(JSON.stringify(event.data)) as StoredEvent['data'],
    metadata: {},
    streamId,
    streamRevision: index,
    globalPosition: 100 + index,
    recordedAt: `2026-01-01T00:00:0${index}.000Z`,
    hash: (index + 1).toString(16).repeat(64),
    prevHash: index.toString(16).repeat(64),
  }));
}

function fold(events: readonly (readonly [DeviceEvent, keyof typeof actors])[], streamId: string): Passport {
  const passport = stored(events, streamId).reduce<Passport | null>(evolvePassport, null);
  if (passport === null) throw new Error('the history does not start a passport');
  return passport;
}

const events = stored(history, idOf(placedOnMarket().data.product));
const passport = fold(history, idOf(placedOnMarket().data.product));

// ------------------------------------------------------------------ helpers

/** Every key at any depth of a JSON value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => [key, ...keysOf(inner)]);
}

/** Every string at any depth of a JSON value. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(stringsOf);
}

/**
 * The paths where `small` is not a part of `big`: every field of `small` must be in `big` with the
 * same value (objects compared field by field, arrays element by element and of equal length).
 */
function notContained(small: unknown, big: unknown, path = ''): string[] {
  if (Array.isArray(small)) {
    if (!Array.isArray(big) || big.length !== small.length) return [path];
    return small.flatMap((item: unknown, index) => notContained(item, big[index], `${path}[${index}]`));
  }
  if (typeof small === 'object' && small !== null) {
    if (typeof big !== 'object' || big === null || Array.isArray(big)) return [path];
    const within = big as Record<string, unknown>;
    return Object.entries(small).flatMap(([key, value]) =>
      Object.hasOwn(within, key) ? notContained(value, within[key], `${path}.${key}`) : [`${path}.${key}`],
    );
  }
  return Object.is(small, big) ? [] : [path];
}

function expectValidView(view: PassportView, document: unknown): void {
  const validation = validateDocument(PASSPORT_VIEW_DOCUMENTS[view], document);
  expect({ view, errors: validation.ok ? [] : validation.errors }).toEqual({ view, errors: [] });
}

const FORBIDDEN_IN_PUBLIC_KEYS = [
  'organisationId',
  'role',
  'keyId',
  'recordedBy',
  'lastRecordedBy',
  'producerId',
  'facilityId',
  'cost',
  'eventId',
  'globalPosition',
  'streamRevision',
  'revision',
  'hash',
  'prevHash',
  'certificateId',
];

const FORBIDDEN_IN_PUBLIC_VALUES = [
  ...Object.values(actors).flatMap((actor) => [actor.organisationId, actor.keyId]),
  PRODUCER_ID,
  FACILITY_ID,
  FAILED_CERTIFICATE,
  PASSED_CERTIFICATE,
  ...MEDIA_SERIALS,
  ...events.flatMap((event) => [event.eventId, event.hash, event.prevHash]),
];

// ------------------------------------------------------------------ specs

describe('passport views', () => {
  it('start from a passport that has every kind of sensitive data in it', () => {
    // Guards the other specs: a view can only be shown to drop what the input has.
    const strings = stringsOf(passport);
    for (const value of [
      PRODUCER_ID,
      FACILITY_ID,
      PASSED_CERTIFICATE,
      FAILED_CERTIFICATE,
      ...MEDIA_SERIALS,
      actors.repairer.organisationId,
    ]) {
      expect(strings).toContain(value);
    }
    expect(passport.repair.history[0]?.cost).toEqual({ amount: 89, currency: 'EUR' });
    expect(passport.lives).toBe(2);
    expect(passport.status.lifecycle).toBe('recycled');
  });

  it('public: no actors, prices, internal ids, hashes or certificates, by key or by value', () => {
    const view = passportView(passport, 'public');
    const keys = new Set(keysOf(view));
    expect(FORBIDDEN_IN_PUBLIC_KEYS.filter((key) => keys.has(key))).toEqual([]);
    const strings = new Set(stringsOf(view));
    expect(FORBIDDEN_IN_PUBLIC_VALUES.filter((value) => strings.has(value))).toEqual([]);
    // The key ids never reach a passport at all.
    const everything = stringsOf(passport);
    expect(Object.values(actors).filter((actor) => everything.includes(actor.keyId))).toEqual([]);
  });

  it('public: the product, its lifecycle, repairs, wipes, materials and recycling, without who did them', () => {
    const view: PublicPassport = passportView(passport, 'public');
    expect(Object.keys(view)).toEqual([
      'deviceId',
      'digitalLink',
      'updatedAt',
      'identity',
      'product',
      'status',
      'lives',
      'placedOnMarket',
      'repair',
      'dataSanitisation',
      'materials',
      'carbonFootprint',
      'endOfLife',
      'history',
    ]);
    expect(view.identity).toEqual(passport.identity);
    expect(view.product).toEqual(passport.product);
    expect(view.materials).toEqual(passport.materials);
    expect(view.carbonFootprint).toEqual(passport.carbonFootprint);
    expect(view.status).toEqual({ lifecycle: 'recycled', since: '2025-05-20T08:00:00Z' });
    expect(view.placedOnMarket).toEqual({ country: 'FI', market: 'household', occurredAt: '2024-01-15T09:00:00Z' });
    expect(view.repair).toEqual({
      information: {
        repairManualUrl: 'https://repair.example.com/aalto/book-14-g3/manual',
        sparePartsAvailableUntil: '2031-12-31',
        repairabilityClass: 'B',
      },
      history: [
        {
          occurredAt: '2025-03-05T10:00:00Z',
          problem: 'Battery no longer holds a charge',
          actions: ['Replaced the battery', 'Ran the battery calibration'],
          partsReplaced: [{ name: 'battery 57 Wh', condition: 'new' }],
          outcome: 'fixed',
          barrier: null,
          ords: { repairStatus: 'Fixed', repairBarrier: null },
        },
      ],
    });
    expect(view.dataSanitisation.records.map((record) => Object.keys(record))).toEqual([
      ['occurredAt', 'standard', 'method', 'technique', 'verification', 'result'],
      ['occurredAt', 'standard', 'method', 'technique', 'verification', 'result'],
    ]);
    expect(view.dataSanitisation).toMatchObject({ dataBearing: true, wipedSinceHandover: false });
    expect(view.endOfLife.recycling).toEqual({
      occurredAt: '2025-05-20T08:00:00Z',
      treatmentCountry: 'FI',
      weightKg: 1.4,
      outputs: passport.endOfLife.recycling?.outputs,
    });
    expect(view.history).toEqual(passport.history.map(({ type, occurredAt }) => ({ type, occurredAt })));
  });

  it('repairer: disassembly instructions, part numbers, wipe evidence; still no cost and no recorder', () => {
    const view = passportView(passport, 'repairer');
    expect(view.repair.information.disassemblyInstructionsUrl).toBe(
      'https://repair.example.com/aalto/book-14-g3/disassembly',
    );
    expect(view.repair.history[0]).toMatchObject({ labourMinutes: 35, recordedAt: '2026-01-01T00:00:04.000Z' });
    expect(view.repair.history[0]?.partsReplaced).toEqual([
      { name: 'battery 57 Wh', partNumber: 'AB-57WH-3C', condition: 'new' },
    ]);
    expect(view.dataSanitisation.records.map((record) => record.certificateId)).toEqual([
      FAILED_CERTIFICATE,
      PASSED_CERTIFICATE,
    ]);
    expect(view.dataSanitisation.records[1]?.media.map((medium) => medium.serialNumber)).toEqual(MEDIA_SERIALS);
    expect(view.dataSanitisation.records[1]?.tool).toEqual({ name: 'nwipe', version: '0.37' });
    expect(view.status.holder).toEqual({ kind: 'recycler', since: '2025-05-20T08:00:00Z', buyerType: null });
    const keys = new Set(keysOf(view));
    for (const key of [
      'cost',
      'recordedBy',
      'lastRecordedBy',
      'organisationId',
      'producerId',
      'facilityId',
      'hash',
      'eventId',
    ]) {
      expect({ key, present: keys.has(key) }).toEqual({ key, present: false });
    }
    expect(stringsOf(view)).not.toContain(actors.repairer.organisationId);
  });

  it('recycler: its facility, disassembly instructions and wipe certificates; no media, cost or recorder', () => {
    const view = passportView(passport, 'recycler');
    expect(view.endOfLife.recycling?.facilityId).toBe(FACILITY_ID);
    expect(view.repair.information.disassemblyInstructionsUrl).toBe(
      'https://repair.example.com/aalto/book-14-g3/disassembly',
    );
    expect(view.dataSanitisation.records.map((record) => record.certificateId)).toEqual([
      FAILED_CERTIFICATE,
      PASSED_CERTIFICATE,
    ]);
    const keys = new Set(keysOf(view));
    for (const key of [
      'media',
      'cost',
      'labourMinutes',
      'recordedBy',
      'lastRecordedBy',
      'organisationId',
      'producerId',
      'hash',
    ]) {
      expect({ key, present: keys.has(key) }).toEqual({ key, present: false });
    }
    expect(stringsOf(view).filter((value) => MEDIA_SERIALS.includes(value))).toEqual([]);
  });

  it('authority: the whole document', () => {
    expect(passportView(passport, 'authority')).toEqual(passport);
    expect(passportView(passport, 'authority')).toBe(passport);
  });

  it('are nested: public ⊂ repairer, public ⊂ recycler, every view ⊂ the passport, with the same values', () => {
    const [publicView, repairer, recycler] = (['public', 'repairer', 'recycler'] as const).map((view) =>
      passportView(passport, view),
    );
    expect(notContained(publicView, repairer)).toEqual([]);
    expect(notContained(publicView, recycler)).toEqual([]);
    for (const view of PASSPORT_VIEWS)
      expect({ view, outside: notContained(passportView(passport, view), passport) }).toEqual({ view, outside: [] });
    // Each wider view really adds something.
    expect(notContained(repairer, publicView)).not.toEqual([]);
    expect(notContained(recycler, publicView)).not.toEqual([]);
  });

  it('each validate against their own schema, derived from the Passport schema, and only against it', () => {
    for (const view of PASSPORT_VIEWS) {
      expectValidView(view, passportView(passport, view));
      expect(documentSchemas[PASSPORT_VIEW_DOCUMENTS[view]]).toEqual(passportViewSchema(view));
    }
    expect(passportViewSchema('authority')).toBe(documentSchemas.Passport);
    // The view schemas are closed: the full passport is too much for them, a view too little for the Passport.
    expect(validateDocument('PassportPublic', passport).ok).toBe(false);
    expect(validateDocument('PassportRepairer', passport).ok).toBe(false);
    expect(validateDocument('Passport', passportView(passport, 'recycler')).ok).toBe(false);
    expect(validateDocument('PassportPublic', passportView(passport, 'repairer')).ok).toBe(false);
  });

  it('keep absent groups as null, and validate, for a history that starts with a collection', () => {
    const device = phone();
    const short = fold([[collected({ product: device }), 'collector']], idOf(device));
    for (const view of PASSPORT_VIEWS) {
      const document = passportView(short, view);
      expectValidView(view, document);
      expect(document).toMatchObject({ digitalLink: null, placedOnMarket: null, endOfLife: { recycling: null } });
    }
    expect(passportView(short, 'public').repair.information).toEqual({
      repairManualUrl: null,
      sparePartsAvailableUntil: null,
      repairabilityClass: 'C',
    });
  });

  it('have schemas that name no field the public must not see', () => {
    const names = (schema: unknown): string[] => {
      if (typeof schema !== 'object' || schema === null) return [];
      return Object.entries(schema).flatMap(([keyword, value]) =>
        keyword === 'properties' && typeof value === 'object' && value !== null
          ? [...Object.keys(value), ...Object.values(value).flatMap(names)]
          : names(value),
      );
    };
    const publicNames = new Set(names(passportViewSchema('public')));
    expect(FORBIDDEN_IN_PUBLIC_KEYS.filter((key) => publicNames.has(key))).toEqual([]);
    expect(names(passportViewSchema('repairer'))).toContain('disassemblyInstructionsUrl');
    expect(names(passportViewSchema('recycler'))).toContain('facilityId');
    expect(passportViewSchema('public')).toMatchObject({
      $id: 'urn:kierto:schema:v1:document:PassportPublic',
      title: 'PassportPublic',
      properties: { placedOnMarket: { type: ['object', 'null'], required: ['country', 'market', 'occurredAt'] } },
    });
  });

  it('refuse a selection that does not fit the schema', () => {
    const schema = documentSchemas.Passport;
    expect(() => selectSchema(schema, { identity: { colour: true } })).toThrow(
      '#/properties/identity: the selection names unknown fields colour',
    );
    expect(() => selectSchema(schema, { deviceId: { length: true } })).toThrow(
      '#/properties/deviceId: the selection opens a value that is not an object',
    );
    const nullableRate = {
      anyOf: [
        { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
        { type: 'null' },
      ],
    };
    expect(selectSchema(nullableRate, { a: true })).toEqual({
      anyOf: [{ type: 'object', properties: { a: { type: 'number' } }, required: ['a'] }, { type: 'null' }],
    });
  });

  it('are named by the API query parameter', () => {
    expect(PASSPORT_VIEWS.filter(isPassportView)).toEqual(['public', 'repairer', 'recycler', 'authority']);
    expect(isPassportView('admin')).toBe(false);
    expect(isPassportView('constructor')).toBe(false);
  });

  it('type each view by its selection', () => {
    const view = passportView(passport, 'public');
    // @ts-expect-error the public view has no holder
    expect(view.status.holder).toBeUndefined();
    // @ts-expect-error nor a repair cost
    expect(view.repair.history[0]?.cost).toBeUndefined();
    const recycler = passportView(passport, 'recycler');
    // @ts-expect-error a recycler sees no media
    expect(recycler.dataSanitisation.records[0]?.media).toBeUndefined();
  });
});
