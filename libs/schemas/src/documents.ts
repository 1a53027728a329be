/**
 * JSON Schemas (draft 2020-12) of the documents Kierto serves: the passport (docs/passport.md), the
 * statistics documents (docs/statistics.md) and the projections' status. They describe outputs, so they are
 * closed (a consumer learns of every field) but, unlike the inputs, not bounded. drift.check.ts holds
 * each to its TypeScript type in libs/projections.
 */
import { MEASURES, PASSPORT_VIEW_SELECTIONS, type PassportView } from '#kierto/projections';
import { documentSchemaId, SCHEMA_DIALECT } from './common.js';
import { deviceDataWipedSchema, deviceRepairedSchema, deviceResoldSchema, deviceRecycledSchema } from './events.js';
import { selectSchema } from './select-schema.js';

const string = { type: 'string' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const number = { type: 'number' } as const;
const nullableNumber = { type: ['number', 'null'] } as const;
const integer = { type: 'integer' } as const;
const nonNegative = { type: 'integer', minimum: 0 } as const;
const boolean = { type: 'boolean' } as const;
const nullableBoolean = { type: ['boolean', 'null'] } as const;
const instant = { type: 'string', format: 'date-time' } as const;
const nullableInstant = { type: ['string', 'null'], format: 'date-time' } as const;
const category = { type: 'integer', enum: [1, 2, 3, 4, 5, 6], description: 'WEEE Annex III category.' } as const;
const nullableCategory = { type: ['integer', 'null'], enum: [1, 2, 3, 4, 5, 6, null] } as const;
/** An Annex I (1–10, null: "Annex I category unknown") or Annex III (1–6) category, by the table's scheme. */
const schemeCategory = {
  type: ['integer', 'null'],
  enum: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, null],
  description: "Category of the table's scheme: Annex I 1–10 (null: Annex I category unknown) or Annex III 1–6.",
} as const;
const nullableAnnexICategory = {
  type: ['integer', 'null'],
  enum: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, null],
  description: 'WEEE Annex I category of the device, or null where nothing decides it (docs/adr/0015).',
} as const;
const referencePeriodId = {
  type: 'string',
  enum: ['directive-2002-96-ec', 'annex-v-part-1', 'annex-v-part-2', 'annex-v-part-3'],
  description: 'The reference period (Annex V part) of the date in the reporting time zone.',
} as const;
const calendarDay = { type: 'string', format: 'date' } as const;
const market = { type: 'string', enum: ['household', 'non-household'] } as const;
const nullableMarket = { type: ['string', 'null'], enum: ['household', 'non-household', null] } as const;
const nullableTreatment = { type: ['string', 'null'], enum: ['same-country', 'other-eu', 'outside-eu', null] } as const;

const object = <const P extends Record<string, unknown>, const R extends readonly (keyof P & string)[]>(
  properties: P,
  required: R,
) => ({ type: 'object', additionalProperties: false, required, properties }) as const;

const nullableObject = <const P extends Record<string, unknown>, const R extends readonly (keyof P & string)[]>(
  properties: P,
  required: R,
) => ({ type: ['object', 'null'], additionalProperties: false, required, properties }) as const;

const arrayOf = <const I>(items: I) => ({ type: 'array', items }) as const;

/** A reference period's part of the document's year. */
const yearPeriod = object(
  {
    id: referencePeriodId,
    scheme: { type: 'string', enum: ['annex-i', 'annex-iii'] },
    from: { ...calendarDay, description: 'First day within the year, inclusive.' },
    to: { ...calendarDay, description: 'Last day within the year, inclusive.' },
    targetsSource: string,
  },
  ['id', 'scheme', 'from', 'to', 'targetsSource'],
);

// ---------------------------------------------------------------------------------------------
// Passport

const historyEntry = object(
  {
    type: string,
    occurredAt: instant,
    recordedAt: instant,
    globalPosition: nonNegative,
    streamRevision: nonNegative,
    eventId: string,
    recordedBy: object({ organisationId: string, role: string }, ['organisationId', 'role']),
    hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    prevHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
  },
  ['type', 'occurredAt', 'recordedAt', 'globalPosition', 'streamRevision', 'eventId', 'recordedBy', 'hash', 'prevHash'],
);

const repairRecord = object(
  {
    occurredAt: instant,
    recordedAt: instant,
    recordedBy: string,
    problem: string,
    actions: arrayOf(string),
    partsReplaced: arrayOf(
      object(
        {
          name: string,
          partNumber: nullableString,
          condition: {
            type: 'string',
            enum: deviceRepairedSchema.properties.partsReplaced.items.properties.condition.enum,
          },
        },
        ['name', 'partNumber', 'condition'],
      ),
    ),
    outcome: { type: 'string', enum: deviceRepairedSchema.properties.outcome.enum },
    barrier: { type: ['string', 'null'], enum: [...deviceRepairedSchema.properties.barrier.enum, null] },
    ords: object(
      {
        repairStatus: {
          type: 'string',
          enum: ['Fixed', 'Repairable', 'End of life', 'Unknown'],
          description: 'ORDS v0.3 repair_status.',
        },
        repairBarrier: {
          type: ['string', 'null'],
          enum: [
            'Spare parts not available',
            'Spare parts too expensive',
            'No way to open product',
            'Repair information not available',
            'Lack of equipment',
            'Item too worn out',
            null,
          ],
          description: 'ORDS v0.3 repair_barrier_if_end_of_life.',
        },
      },
      ['repairStatus', 'repairBarrier'],
    ),
    labourMinutes: { type: ['integer', 'null'], minimum: 0, description: 'Null when not recorded (ORDS records).' },
    cost: nullableObject({ amount: number, currency: string }, ['amount', 'currency']),
  },
  [
    'occurredAt',
    'recordedAt',
    'recordedBy',
    'problem',
    'actions',
    'partsReplaced',
    'outcome',
    'barrier',
    'ords',
    'labourMinutes',
    'cost',
  ],
);

const wipe = deviceDataWipedSchema.properties;
const sanitisationRecord = object(
  {
    occurredAt: instant,
    recordedAt: instant,
    recordedBy: string,
    standard: { type: 'string', enum: wipe.standard.enum },
    method: { type: 'string', enum: wipe.method.enum },
    technique: nullableString,
    tool: object({ name: string, version: string }, ['name', 'version']),
    media: arrayOf(
      object(
        {
          type: { type: 'string', enum: wipe.media.items.properties.type.enum },
          serialNumber: string,
          capacityGb: number,
          result: { type: 'string', enum: wipe.result.enum },
        },
        ['type', 'serialNumber', 'capacityGb', 'result'],
      ),
    ),
    verification: object(
      { method: { type: 'string', enum: wipe.verification.properties.method.enum }, verified: boolean },
      ['method', 'verified'],
    ),
    result: { type: 'string', enum: wipe.result.enum },
    certificateId: string,
  },
  [
    'occurredAt',
    'recordedAt',
    'recordedBy',
    'standard',
    'method',
    'technique',
    'tool',
    'media',
    'verification',
    'result',
    'certificateId',
  ],
);

export const passportSchema = {
  $schema: SCHEMA_DIALECT,
  $id: documentSchemaId('Passport'),
  title: 'Passport',
  description:
    'The passport of one device, folded from its event history (docs/passport.md). Field groups (identity, product, ' +
    'status, repair, dataSanitisation, materials, carbonFootprint, endOfLife, history) are what role views keep ' +
    'or drop. Absent values are null, never missing.',
  type: 'object',
  additionalProperties: false,
  required: [
    'deviceId',
    'digitalLink',
    'revision',
    'globalPosition',
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
  ],
  properties: {
    deviceId: {
      type: 'string',
      description:
        'Kierto device id: gtin:{gtin14}:{serial}, mfr:{manufacturer}:{serial} or local:{issuer}:{local id}.',
    },
    digitalLink: {
      type: ['string', 'null'],
      description: 'GS1 Digital Link path /01/{gtin14}/21/{serial}; null without a GTIN.',
    },
    revision: { ...nonNegative, description: 'Revision of the last event the passport reflects.' },
    globalPosition: { ...nonNegative, description: 'Global position of that event.' },
    updatedAt: instant,
    identity: object(
      {
        manufacturer: nullableString,
        brand: nullableString,
        model: nullableString,
        gtin: nullableString,
        serialNumber: nullableString,
        localId: nullableObject({ issuer: string, value: string }, ['issuer', 'value']),
      },
      ['manufacturer', 'brand', 'model', 'gtin', 'serialNumber', 'localId'],
    ),
    product: object(
      {
        weeeCategory: category,
        weeeCategoryName: string,
        weightKg: { ...nullableNumber, description: 'Null when unknown: a device first seen at a repair (ADR 0019).' },
        yearOfManufacture: { type: ['integer', 'null'] },
        hasDataStorage: nullableBoolean,
        warrantyMonths: { type: ['integer', 'null'] },
      },
      ['weeeCategory', 'weeeCategoryName', 'weightKg', 'yearOfManufacture', 'hasDataStorage', 'warrantyMonths'],
    ),
    status: object(
      {
        lifecycle: { type: 'string', enum: ['in-use', 'collected', 'recycled'] },
        since: instant,
        holder: object(
          {
            kind: { type: 'string', enum: ['producer', 'collector', 'buyer', 'recycler', 'owner'] },
            organisationId: {
              type: ['string', 'null'],
              description:
                'The organisation holding the device (after an accepted lot handover, the receiver); null for a buyer or an owner.',
            },
            since: instant,
            buyerType: { type: ['string', 'null'], enum: [...deviceResoldSchema.properties.buyerType.enum, null] },
          },
          ['kind', 'organisationId', 'since', 'buyerType'],
        ),
        lastRecordedBy: object(
          { organisationId: string, role: string, eventType: string, occurredAt: instant, recordedAt: instant },
          ['organisationId', 'role', 'eventType', 'occurredAt', 'recordedAt'],
        ),
      },
      ['lifecycle', 'since', 'holder', 'lastRecordedBy'],
    ),
    lives: { type: 'integer', minimum: 1, description: 'The first use plus one per resale.' },
    placedOnMarket: nullableObject({ producerId: string, country: string, market, occurredAt: instant }, [
      'producerId',
      'country',
      'market',
      'occurredAt',
    ]),
    repair: object(
      {
        information: object(
          {
            repairManualUrl: nullableString,
            disassemblyInstructionsUrl: nullableString,
            sparePartsAvailableUntil: nullableString,
            repairabilityClass: { type: ['string', 'null'], enum: ['A', 'B', 'C', 'D', 'E', null] },
          },
          ['repairManualUrl', 'disassemblyInstructionsUrl', 'sparePartsAvailableUntil', 'repairabilityClass'],
        ),
        history: arrayOf(repairRecord),
      },
      ['information', 'history'],
    ),
    dataSanitisation: object(
      { dataBearing: nullableBoolean, wipedSinceHandover: boolean, records: arrayOf(sanitisationRecord) },
      ['dataBearing', 'wipedSinceHandover', 'records'],
    ),
    materials: object(
      {
        materials: arrayOf(
          object({ name: string, massKg: number, criticalRawMaterial: boolean, recycledContentPercent: number }, [
            'name',
            'massKg',
            'criticalRawMaterial',
            'recycledContentPercent',
          ]),
        ),
        criticalRawMaterials: arrayOf(object({ name: string, massKg: number }, ['name', 'massKg'])),
        criticalRawMaterialsKg: number,
        recycledContentKg: number,
        hazardousSubstances: arrayOf(
          object({ name: string, casNumber: nullableString, massKg: nullableNumber, location: nullableString }, [
            'name',
            'casNumber',
            'massKg',
            'location',
          ]),
        ),
      },
      ['materials', 'criticalRawMaterials', 'criticalRawMaterialsKg', 'recycledContentKg', 'hazardousSubstances'],
    ),
    carbonFootprint: object({ manufacturingKgCo2e: nullableNumber }, ['manufacturingKgCo2e']),
    endOfLife: object(
      {
        recycling: nullableObject(
          {
            occurredAt: instant,
            facilityId: string,
            treatmentCountry: string,
            weightKg: number,
            outputs: arrayOf(
              object(
                {
                  material: string,
                  massKg: number,
                  fate: { type: 'string', enum: deviceRecycledSchema.properties.outputs.items.properties.fate.enum },
                },
                ['material', 'massKg', 'fate'],
              ),
            ),
          },
          ['occurredAt', 'facilityId', 'treatmentCountry', 'weightKg', 'outputs'],
        ),
      },
      ['recycling'],
    ),
    history: arrayOf(historyEntry),
  },
} as const;

/** A document schema's own keywords; the rest is whatever the document needs. */
export interface DocumentSchemaHeader {
  readonly $schema: typeof SCHEMA_DIALECT;
  readonly $id: string;
  readonly title: string;
  readonly description: string;
  readonly [keyword: string]: unknown;
}

const PASSPORT_VIEW_HEADERS = {
  public: {
    title: 'PassportPublic',
    description:
      'The public view of a passport (docs/passport.md, Views by role): identity, product, lifecycle, repairs, ' +
      'data sanitisation, materials, carbon footprint and recycling, without actors, prices, internal ids or ' +
      'hashes. A projection of the Passport: same fields, fewer of them.',
  },
  repairer: {
    title: 'PassportRepairer',
    description:
      'The view of a passport for repairers and refurbishers (docs/passport.md, Views by role): the public view ' +
      'plus the current holder, disassembly instructions, part numbers, repair bookkeeping and the wipe evidence ' +
      '(tool, media, certificate ids). A projection of the Passport: same fields, fewer of them.',
  },
  recycler: {
    title: 'PassportRecycler',
    description:
      'The view of a passport for recyclers (docs/passport.md, Views by role): the public view plus the current ' +
      'holder, disassembly instructions, part numbers, wipe certificate ids and the treatment facility. A ' +
      'projection of the Passport: same fields, fewer of them.',
  },
} as const satisfies Record<Exclude<PassportView, 'authority'>, { title: string; description: string }>;

/**
 * The JSON Schema of a passport view, derived from the Passport schema by the view's selection
 * (libs/projections/src/passport/views.ts), so the view's fields are listed once. The authority view
 * is the whole document, and its schema the Passport schema itself.
 *
 * Derived at run time, so drift.check.ts cannot compare these schemas with the view types (json-schema-
 * to-ts needs literal schemas); libs/projections/src/passport/views.spec.ts validates each view of a
 * rich passport against its schema instead, and the Passport schema itself is drift-checked.
 */
export function passportViewSchema(view: PassportView): DocumentSchemaHeader {
  if (view === 'authority') return passportSchema;
  const { title, description } = PASSPORT_VIEW_HEADERS[view];
  return {
    ...selectSchema(passportSchema, PASSPORT_VIEW_SELECTIONS[view]),
    $schema: SCHEMA_DIALECT,
    $id: documentSchemaId(title),
    title,
    description,
  };
}

// ---------------------------------------------------------------------------------------------
// Statistics

const filters = object(
  {
    country: nullableString,
    producerId: nullableString,
    organisationId: nullableString,
    category: nullableCategory,
    market: nullableMarket,
  },
  ['country', 'producerId', 'organisationId', 'category', 'market'],
);

const basis = object(
  {
    asOf: nullableInstant,
    checkpoint: { ...nonNegative, description: 'Global position the statistics read model had reached.' },
    reportingTimeZone: string,
  },
  ['asOf', 'checkpoint', 'reportingTimeZone'],
);

const quantityProperties = {
  kg: { type: 'number', description: 'Full precision.' },
  tonnes: {
    type: 'string',
    pattern: '^-?\\d+\\.\\d{3}$',
    description: 'kg / 1000 to three decimals, half-up: display only.',
  },
  units: integer,
  facts: { ...nonNegative, description: 'Facts summed: GET /statistics/facts lists them.' },
} as const;
const quantity = object(quantityProperties, ['kg', 'tonnes', 'units', 'facts']);

const rate = object(
  { percent: number, display: { type: 'string', pattern: '^\\d+\\.\\d$', description: 'One decimal, half-up.' } },
  ['percent', 'display'],
);
const nullableRate = { anyOf: [rate, { type: 'null' }] } as const;

export const collectionRateSchema = {
  $schema: SCHEMA_DIALECT,
  $id: documentSchemaId('CollectionRate'),
  title: 'CollectionRate',
  description:
    'Article 7 collection rate of a year: CR(N) = 100 × COL(N) / ((POM(N−1) + POM(N−2) + POM(N−3)) / 3), with its ' +
    'numerator, the three placed-on-market years, the target in force and whether it is met.',
  type: 'object',
  additionalProperties: false,
  required: [
    'year',
    'filters',
    'basis',
    'formula',
    'collected',
    'placedOnMarket',
    'averagePlacedOnMarket',
    'computable',
    'reason',
    'missingYears',
    'rate',
    'target',
    'targetNote',
    'met',
  ],
  properties: {
    year: integer,
    filters,
    basis,
    formula: string,
    collected: quantity,
    placedOnMarket: arrayOf(
      object({ year: integer, ...quantityProperties }, ['year', 'kg', 'tonnes', 'units', 'facts']),
    ),
    averagePlacedOnMarket: nullableObject({ kg: number, tonnes: quantityProperties.tonnes }, ['kg', 'tonnes']),
    computable: boolean,
    reason: nullableString,
    missingYears: arrayOf(integer),
    rate: nullableRate,
    target: nullableObject({ percent: number, source: string }, ['percent', 'source']),
    targetNote: nullableString,
    met: nullableBoolean,
  },
} as const;

const massValue = object({ kg: number, tonnes: quantityProperties.tonnes }, ['kg', 'tonnes']);
const nullableMassValue = { anyOf: [massValue, { type: 'null' }] } as const;
const target = nullableObject({ percent: number, source: string }, ['percent', 'source']);

const weeeGeneratedRate = object(
  {
    formula: string,
    computable: boolean,
    reason: nullableString,
    missingYears: arrayOf(integer),
    rate: nullableRate,
    target,
    met: nullableBoolean,
  },
  ['formula', 'computable', 'reason', 'missingYears', 'rate', 'target', 'met'],
);

export const weeeGeneratedSchema = {
  $schema: SCHEMA_DIALECT,
  $id: documentSchemaId('WeeeGenerated'),
  title: 'WeeeGenerated',
  description:
    'WEEE generated in a year per category, estimated from the placed-on-market history with Weibull lifespans ' +
    '(Implementing Regulation (EU) 2017/699): Σ POM(t) × L(N − t), L(k) = F(k + 1) − F(k); with its coverage and missing ' +
    'years, and the collection rate against it beside the rate against the average placed on the market (Art. 7(1): ' +
    '85 % of WEEE generated or 65 % of average POM from 2019).',
  type: 'object',
  additionalProperties: false,
  required: [
    'year',
    'filters',
    'basis',
    'formula',
    'categories',
    'total',
    'collected',
    'rateAgainstWeeeGenerated',
    'rateAgainstAveragePlacedOnMarket',
    'targetMet',
    'targetNote',
  ],
  properties: {
    year: integer,
    filters,
    basis,
    formula: string,
    categories: arrayOf(
      object(
        {
          category,
          name: string,
          lifespan: nullableObject(
            {
              shape: { type: 'number', exclusiveMinimum: 0, description: 'Weibull shape α.' },
              scale: { type: 'number', exclusiveMinimum: 0, description: 'Weibull scale β, years.' },
              source: { type: 'string', description: 'Where the pair comes from.' },
            },
            ['shape', 'scale', 'source'],
          ),
          horizonYears: {
            type: ['integer', 'null'],
            minimum: 0,
            description: 'H: years N − H … N hold 99 % of the discards.',
          },
          weeeGenerated: nullableMassValue,
          coverage: {
            type: ['number', 'null'],
            minimum: 0,
            maximum: 1,
            description: "Share of the year's discards the history covers.",
          },
          complete: boolean,
          missingYears: arrayOf(integer),
          firstPlacedOnMarketYear: { type: ['integer', 'null'] },
          placedOnMarketFacts: nonNegative,
          reason: nullableString,
          contributions: arrayOf(
            object(
              {
                placedYear: integer,
                age: { ...nonNegative, description: 'N − placedYear; 0 is the year of placing.' },
                share: { type: 'number', minimum: 0, maximum: 1, description: 'L(age) = F(age + 1) − F(age).' },
                placedOnMarket: massValue,
                weeeGenerated: massValue,
              },
              ['placedYear', 'age', 'share', 'placedOnMarket', 'weeeGenerated'],
            ),
          ),
        },
        [
          'category',
          'name',
          'lifespan',
          'horizonYears',
          'weeeGenerated',
          'coverage',
          'complete',
          'missingYears',
          'firstPlacedOnMarketYear',
          'placedOnMarketFacts',
          'reason',
          'contributions',
        ],
      ),
    ),
    total: object({ weeeGenerated: massValue, complete: boolean, reason: nullableString }, [
      'weeeGenerated',
      'complete',
      'reason',
    ]),
    collected: quantity,
    rateAgainstWeeeGenerated: weeeGeneratedRate,
    rateAgainstAveragePlacedOnMarket: weeeGeneratedRate,
    targetMet: {
      ...nullableBoolean,
      description: 'Met by either Art. 7(1) alternative; false only when each one with a target is not met.',
    },
    targetNote: nullableString,
  },
} as const;

const rateLine = object(
  {
    kind: { type: 'string', enum: ['recovery', 'prepared-for-re-use-and-recycling', 'recycling'] },
    formula: string,
    rate: nullableRate,
    target: nullableNumber,
    met: nullableBoolean,
  },
  ['kind', 'formula', 'rate', 'target', 'met'],
);

const categoryRatesProperties = {
  name: string,
  collected: quantity,
  preparedForReuse: quantity,
  recycled: quantity,
  recovered: quantity,
  rates: arrayOf(rateLine),
  computable: boolean,
  reason: nullableString,
} as const;
const categoryRatesRequired = [
  'category',
  'name',
  'collected',
  'preparedForReuse',
  'recycled',
  'recovered',
  'rates',
  'computable',
  'reason',
] as const;

export const recoveryRatesSchema = {
  $schema: SCHEMA_DIALECT,
  $id: documentSchemaId('RecoveryRates'),
  title: 'RecoveryRates',
  description:
    'Annex V rates per WEEE category of a year: recovery RCV / COL, where RCV = PfR + RCY + energy recovery ' +
    '(preparing for re-use is recovery), and prepared for re-use + recycled (PfR + RCY) / COL (lamps: RCY / COL), ' +
    'against the minimum targets.',
  type: 'object',
  additionalProperties: false,
  required: ['year', 'filters', 'basis', 'targetsSource', 'categories', 'tables'],
  properties: {
    year: integer,
    filters,
    basis,
    targetsSource: string,
    categories: arrayOf(object({ category, ...categoryRatesProperties }, categoryRatesRequired)),
    tables: arrayOf(
      object(
        {
          period: yearPeriod,
          categories: arrayOf(object({ category: schemeCategory, ...categoryRatesProperties }, categoryRatesRequired)),
          gasDischargeLamps: nullableObject({ recyclingTarget: number, note: string }, ['recyclingTarget', 'note']),
        },
        ['period', 'categories', 'gasDischargeLamps'],
      ),
    ),
  },
} as const;

const reportColumnProperties = {
  placedOnMarket: quantity,
  collected: quantity,
  preparedForReuse: quantity,
  recycled: quantity,
  energyRecovery: quantity,
  treatedSameCountry: quantity,
  treatedOtherEu: quantity,
  treatedOutsideEu: quantity,
  reuse: { ...quantity, description: 'Re-use of devices resold before they were discarded: not WEEE, in no rate.' },
} as const;
const reportColumnNames = [
  'placedOnMarket',
  'collected',
  'preparedForReuse',
  'recycled',
  'energyRecovery',
  'treatedSameCountry',
  'treatedOtherEu',
  'treatedOutsideEu',
  'reuse',
] as const;

export const producerOrganisationReportSchema = {
  $schema: SCHEMA_DIALECT,
  $id: documentSchemaId('ProducerOrganisationReport'),
  title: 'ProducerOrganisationReport',
  description:
    'The yearly report table of a producer organisation: one row per WEEE category, household and other apart, ' +
    'and the totals; every cell in kg (full precision) and tonnes (three decimals, display).',
  type: 'object',
  additionalProperties: false,
  required: ['year', 'filters', 'basis', 'rows', 'totals', 'tables'],
  properties: {
    year: integer,
    filters,
    basis,
    rows: arrayOf(
      object({ category, categoryName: string, market, ...reportColumnProperties }, [
        'category',
        'categoryName',
        'market',
        ...reportColumnNames,
      ]),
    ),
    totals: object(reportColumnProperties, reportColumnNames),
    tables: arrayOf(
      object(
        {
          period: yearPeriod,
          rows: arrayOf(
            object({ category: schemeCategory, categoryName: string, market, ...reportColumnProperties }, [
              'category',
              'categoryName',
              'market',
              ...reportColumnNames,
            ]),
          ),
          totals: object(reportColumnProperties, reportColumnNames),
        },
        ['period', 'rows', 'totals'],
      ),
    ),
  },
} as const;

export const deviceIndicatorsSchema = {
  $schema: SCHEMA_DIALECT,
  $id: documentSchemaId('DeviceIndicators'),
  title: 'DeviceIndicators',
  description:
    'Device-level indicators of a year that no WEEE report has: repair success rate, lives, age at collection ' +
    'and at recycling, and the share of data-bearing devices resold with a passing wipe.',
  type: 'object',
  additionalProperties: false,
  required: ['year', 'filters', 'basis', 'indicators'],
  properties: {
    year: integer,
    filters,
    basis,
    indicators: arrayOf(
      object(
        {
          name: {
            type: 'string',
            enum: [
              'repair-success-rate',
              'average-lives-at-recycling',
              'average-age-at-collection',
              'average-age-at-recycling',
              'wiped-before-resale',
            ],
          },
          definition: string,
          unit: { type: 'string', enum: ['percent', 'years', 'lives'] },
          numerator: number,
          denominator: number,
          value: nullableNumber,
          display: nullableString,
        },
        ['name', 'definition', 'unit', 'numerator', 'denominator', 'value', 'display'],
      ),
    ),
  },
} as const;

const measure = { type: 'string', enum: MEASURES } as const;

export const statisticsFactsSchema = {
  $schema: SCHEMA_DIALECT,
  $id: documentSchemaId('StatisticsFacts'),
  title: 'StatisticsFacts',
  description:
    'A page of the facts behind a statistics cell: one per (event, measure), with the device, the event and its ' +
    'global position, and the producer organisation the fact counts for.',
  type: 'object',
  additionalProperties: false,
  required: ['year', 'measure', 'treatment', 'filters', 'basis', 'items', 'nextCursor'],
  properties: {
    year: integer,
    measure: { type: ['string', 'null'], enum: [...measure.enum, null] },
    treatment: nullableTreatment,
    filters,
    basis,
    items: arrayOf(
      object(
        {
          globalPosition: nonNegative,
          eventId: string,
          deviceId: string,
          measure,
          year: integer,
          occurredAt: instant,
          recordedAt: instant,
          attributedAt: instant,
          country: string,
          producerId: nullableString,
          onBehalfOf: nullableString,
          organisationId: nullableString,
          category,
          annexICategory: nullableAnnexICategory,
          period: referencePeriodId,
          market,
          treatment: nullableTreatment,
          kg: number,
          units: integer,
          value: { type: ['integer', 'null'] },
        },
        [
          'globalPosition',
          'eventId',
          'deviceId',
          'measure',
          'year',
          'occurredAt',
          'recordedAt',
          'attributedAt',
          'country',
          'producerId',
          'onBehalfOf',
          'organisationId',
          'category',
          'annexICategory',
          'period',
          'market',
          'treatment',
          'kg',
          'units',
          'value',
        ],
      ),
    ),
    nextCursor: nullableString,
  },
} as const;

export const projectionStatusSchema = {
  $schema: SCHEMA_DIALECT,
  $id: documentSchemaId('ProjectionStatus'),
  title: 'ProjectionStatus',
  description:
    'How far each read model has followed the event log: checkpoint, and lag = head − checkpoint; and the events ' +
    'a read model passed without applying them (quarantine, oldest first, at most 100; `quarantined` counts all).',
  type: 'object',
  additionalProperties: false,
  required: ['head', 'projections', 'quarantine', 'projector'],
  properties: {
    head: nonNegative,
    projections: arrayOf(
      object(
        {
          name: { type: 'string', enum: ['passports', 'statistics', 'stock'] },
          version: string,
          checkpoint: nonNegative,
          lag: integer,
          updatedAt: nullableString,
          quarantined: nonNegative,
        },
        ['name', 'version', 'checkpoint', 'lag', 'updatedAt', 'quarantined'],
      ),
    ),
    quarantine: arrayOf(
      object(
        {
          projection: { type: 'string', enum: ['passports', 'statistics', 'stock'] },
          globalPosition: nonNegative,
          eventId: string,
          eventType: string,
          streamId: string,
          reason: string,
          quarantinedAt: instant,
        },
        ['projection', 'globalPosition', 'eventId', 'eventType', 'streamId', 'reason', 'quarantinedAt'],
      ),
    ),
    projector: object(
      {
        runsHere: boolean,
        leadership: { type: 'string', enum: ['leader', 'follower', 'sole', 'off'] },
        state: { type: 'string', enum: ['stopped', 'following', 'failing'] },
        lastError: nullableObject({ message: string, at: instant }, ['message', 'at']),
      },
      ['runsHere', 'leadership', 'state', 'lastError'],
    ),
  },
} as const;

/** Document schemas by title; `schemas/v1/documents/<title>.schema.json`. */
export const documentSchemas = {
  Passport: passportSchema,
  PassportPublic: passportViewSchema('public'),
  PassportRepairer: passportViewSchema('repairer'),
  PassportRecycler: passportViewSchema('recycler'),
  CollectionRate: collectionRateSchema,
  RecoveryRates: recoveryRatesSchema,
  ProducerOrganisationReport: producerOrganisationReportSchema,
  DeviceIndicators: deviceIndicatorsSchema,
  StatisticsFacts: statisticsFactsSchema,
  WeeeGenerated: weeeGeneratedSchema,
  ProjectionStatus: projectionStatusSchema,
} as const;

export type DocumentName = keyof typeof documentSchemas;

/** The document (schema) name of each passport view. */
export const PASSPORT_VIEW_DOCUMENTS = {
  public: 'PassportPublic',
  repairer: 'PassportRepairer',
  recycler: 'PassportRecycler',
  authority: 'Passport',
} as const satisfies Record<PassportView, DocumentName>;
