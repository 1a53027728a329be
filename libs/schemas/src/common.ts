/**
 * Shared building blocks of the v1 JSON Schemas (draft 2020-12). Every event and request schema
 * spreads these constants inline instead of using cross-file `$ref`, so that each written file is
 * self-contained: an outsider can validate with one file and any 2020-12 validator, without a
 * resolver or our `$id` scheme.
 *
 * Everything is `as const` because json-schema-to-ts derives the TypeScript type from the literal
 * types; drift.check.ts compares that type with the domain's (libs/domain/src/events.ts).
 */

import { EUROSTAT_COUNTRY_ALIASES, ISO_3166_1_ALPHA_2, UNU_KEY_CODES } from '#kierto/domain';

import {
  EARLIEST_OCCURRED_AT,
  MAX_CAPACITY_GB,
  MAX_CARBON_FOOTPRINT_KG_CO2E,
  MAX_LABOUR_MINUTES,
  MAX_MASS_KG,
  MAX_MONEY_AMOUNT,
  MAX_WARRANTY_MONTHS,
  MAX_YEAR_OF_MANUFACTURE,
  MIN_YEAR_OF_MANUFACTURE,
} from '#kierto/domain';

export const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** The major version of the contract. Within v1 only additive, backwards-compatible changes. */
export const SCHEMA_VERSION_PATH = 'v1';

export const eventSchemaId = <T extends string>(eventType: T): `urn:kierto:schema:v1:event:${T}` =>
  `urn:kierto:schema:v1:event:${eventType}`;

export const requestSchemaId = <T extends string>(requestName: T): `urn:kierto:schema:v1:request:${T}` =>
  `urn:kierto:schema:v1:request:${requestName}`;

export const documentSchemaId = <T extends string>(documentName: T): `urn:kierto:schema:v1:document:${T}` =>
  `urn:kierto:schema:v1:document:${documentName}`;

// ---------------------------------------------------------------------------------------------
// Strings. Every string is bounded: the schemas are also the first line of defence against
// oversized payloads that would otherwise be hashed, stored and projected forever.

export const idString = { type: 'string', minLength: 1, maxLength: 200 } as const;
export const nameString = { type: 'string', minLength: 1, maxLength: 200 } as const;
export const freeText = { type: 'string', minLength: 1, maxLength: 2000 } as const;

/** GS1 AI 21 allows up to 20 characters; 64 leaves room for manufacturer serials (identity.ts). */
export const serialNumber = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  description: 'Serial number of the unit, case-sensitive (surrounding white space is ignored).',
} as const;

/**
 * The assigned ISO 3166-1 alpha-2 codes as a pattern (libs/domain/src/countries.ts): a pattern, not
 * an enum, so the TypeScript type stays `string` like the domain's CountryCode, and a validator
 * without our code still refuses "XX" or Eurostat's "EL".
 */
export const COUNTRY_CODE_PATTERN = `^(?:${ISO_3166_1_ALPHA_2.join('|')})$`;

/** Request bodies and import lines also take Eurostat's EL and UK, stored as GR and GB. */
export const REQUEST_COUNTRY_CODE_PATTERN = `^(?:${[...ISO_3166_1_ALPHA_2, ...Object.keys(EUROSTAT_COUNTRY_ALIASES)].sort().join('|')})$`;

export const countryCode = {
  type: 'string',
  pattern: COUNTRY_CODE_PATTERN,
  description: 'ISO 3166-1 alpha-2 country code, e.g. "FI": one of the 249 officially assigned codes.',
} as const;

export const requestCountryCode = {
  type: 'string',
  pattern: REQUEST_COUNTRY_CODE_PATTERN,
  description:
    'ISO 3166-1 alpha-2 country code, e.g. "FI": one of the 249 officially assigned codes, or Eurostat\'s ' +
    '"EL" (Greece) or "UK" (United Kingdom), which are recorded as "GR" and "GB".',
} as const;

export const currencyCode = {
  type: 'string',
  pattern: '^[A-Z]{3}$',
  description: 'ISO 4217 currency code, e.g. "EUR".',
} as const;

/**
 * RFC 3339 date-time with a time zone. The pattern repeats what `format` says because draft 2020-12
 * treats `format` as an annotation unless a validator opts in; the pattern makes other validators
 * reject the same values ours does (upper-case "T"/"Z", seconds present, zone required).
 */
export const TIMESTAMP_PATTERN = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$';
export const timestamp = {
  type: 'string',
  format: 'date-time',
  pattern: TIMESTAMP_PATTERN,
  description: 'RFC 3339 date-time with a time zone, e.g. "2025-03-01T10:00:00Z".',
} as const;

/**
 * `occurredAt` of every request: a timestamp from 1970 on (EARLIEST_OCCURRED_AT; a year before is
 * refused by the pattern, an offset reaching back before the epoch by the domain). The pattern is
 * TIMESTAMP_PATTERN with the year restricted, so that any 2020-12 validator refuses `0000-01-01`.
 */
export const OCCURRED_AT_PATTERN =
  '^(19[7-9]\\d|[2-9]\\d{3})-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$';
export const occurredAtTimestamp = {
  type: 'string',
  format: 'date-time',
  pattern: OCCURRED_AT_PATTERN,
} as const;

/**
 * Patterns that bound a value as well as shape it. A value of the right shape (`shape`) that fails
 * one is out of range (OUT_OF_RANGE with `message`); any other value is a bad `format`.
 */
export const RANGE_PATTERNS: Readonly<
  Record<string, { readonly shape: string; readonly format: string; readonly message: string }>
> = {
  [OCCURRED_AT_PATTERN]: {
    shape: TIMESTAMP_PATTERN,
    format: 'date-time',
    message: `must be a date-time from ${EARLIEST_OCCURRED_AT} on`,
  },
};

/** ISO 8601 calendar date; pattern for the same reason as TIMESTAMP_PATTERN. */
export const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
export const isoDate = {
  type: 'string',
  format: 'date',
  pattern: DATE_PATTERN,
  description: 'ISO 8601 calendar date, e.g. "2031-12-31".',
} as const;

/** Digits only here; the GS1 check digit is verified by the domain (identity.ts), not expressible in a schema. */
export const gtin = {
  type: 'string',
  pattern: '^(\\d{8}|\\d{12}|\\d{13}|\\d{14})$',
  description: 'GTIN-8, -12, -13 or -14 (digits only; the check digit is verified by Kierto).',
} as const;

/**
 * Links are shown in public passports, so only http(s) is accepted: `format: uri` alone would let a
 * `javascript:` or `data:` URI through to whatever renders the link.
 */
export const WEB_URL_PATTERN = '^https?://';
export const webUrl = {
  type: 'string',
  format: 'uri',
  pattern: WEB_URL_PATTERN,
  maxLength: 2048,
} as const;

/**
 * Patterns that stand in for a format, with the format they express. A value that fails one of them
 * is reported like a format failure (INVALID_FORMAT), whichever of the two Ajv noticed.
 */
export const FORMAT_PATTERNS: Readonly<Record<string, string>> = {
  [TIMESTAMP_PATTERN]: 'date-time',
  [DATE_PATTERN]: 'date',
  [WEB_URL_PATTERN]: 'http(s) URL',
};

// ---------------------------------------------------------------------------------------------
// Numbers. Every number is bounded on both sides (libs/domain/src/limits.ts says why each bound is
// where it is, docs/limits.md for integrators): an accepted value is stored and projected forever,
// so none may be large enough to break the arithmetic or the columns downstream (docs/limits.md).

/** A mass in kg: above 0, at most 10 t (MAX_MASS_KG); per-category plausibility is the domain's. */
export const positiveKg = { type: 'number', exclusiveMinimum: 0, maximum: MAX_MASS_KG } as const;
export const percent = { type: 'number', minimum: 0, maximum: 100 } as const;
export const warrantyMonths = { type: 'integer', minimum: 0, maximum: MAX_WARRANTY_MONTHS } as const;
export const labourMinutes = { type: 'integer', minimum: 0, maximum: MAX_LABOUR_MINUTES } as const;
export const capacityGb = { type: 'number', exclusiveMinimum: 0, maximum: MAX_CAPACITY_GB } as const;

// ---------------------------------------------------------------------------------------------
// Enumerations shared by several events (values exactly as the domain's union types)

export const market = {
  type: 'string',
  enum: ['household', 'non-household'],
} as const;

export const wipeResult = { type: 'string', enum: ['passed', 'failed'] } as const;

// ---------------------------------------------------------------------------------------------
// Objects. All closed (`additionalProperties: false`): an unknown field is a client bug or a newer
// contract version, and silently storing it would put unvalidated data into the hash chain.

export const money = {
  type: 'object',
  additionalProperties: false,
  required: ['amount', 'currency'],
  properties: {
    amount: {
      type: 'number',
      minimum: 0,
      maximum: MAX_MONEY_AMOUNT,
      description: 'Amount in the currency, e.g. 129.9.',
    },
    currency: currencyCode,
  },
} as const;

export const material = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'massKg', 'criticalRawMaterial', 'recycledContentPercent'],
  properties: {
    name: { ...nameString, description: 'Material name, e.g. "cobalt", "ABS plastic".' },
    massKg: { ...positiveKg, description: 'Mass of this material in the device, kg.' },
    criticalRawMaterial: {
      type: 'boolean',
      description: 'On the EU critical raw materials list (Regulation (EU) 2024/1252).',
    },
    recycledContentPercent: { ...percent, description: 'Share of this material that comes from recycling, 0–100.' },
  },
} as const;

export const hazardousSubstance = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: nameString,
    casNumber: {
      type: 'string',
      pattern: '^\\d{2,7}-\\d{2}-\\d$',
      description: 'CAS Registry Number, e.g. "7439-97-6".',
    },
    massKg: { ...positiveKg, description: 'Mass of the substance in the device, kg.' },
    location: { ...nameString, description: 'Where in the device it sits, for disassembly (e.g. "battery").' },
  },
} as const;

export const repairInformation = {
  type: 'object',
  additionalProperties: false,
  required: [],
  properties: {
    repairManualUrl: { ...webUrl, description: 'Link to the repair manual (http or https).' },
    disassemblyInstructionsUrl: { ...webUrl, description: 'Link to disassembly instructions (http or https).' },
    sparePartsAvailableUntil: {
      ...isoDate,
      description: 'Date until which the producer keeps spare parts available.',
    },
    repairabilityClass: {
      type: 'string',
      enum: ['A', 'B', 'C', 'D', 'E'],
      description: 'EU repairability class, A (best) to E.',
    },
  },
} as const;

export const productDescription = {
  type: 'object',
  description: 'The product description carried by the event that starts a device history.',
  additionalProperties: false,
  required: [
    'manufacturer',
    'brand',
    'model',
    'serialNumber',
    'weeeCategory',
    'weightKg',
    'yearOfManufacture',
    'hasDataStorage',
    'materials',
    'hazardousSubstances',
    'repairInformation',
  ],
  properties: {
    manufacturer: nameString,
    brand: nameString,
    model: nameString,
    gtin,
    serialNumber,
    weeeCategory: {
      type: 'integer',
      enum: [1, 2, 3, 4, 5, 6],
      description:
        'WEEE Annex III category: 1 temperature exchange equipment, 2 screens and monitors, 3 lamps, ' +
        '4 large equipment, 5 small equipment, 6 small IT and telecommunication equipment.',
    },
    annexICategory: {
      type: 'integer',
      enum: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      description:
        'WEEE Annex I category (the ten categories until 14 Aug 2018), where the producer gives it: 1 large ' +
        'household appliances, 2 small household appliances, 3 IT and telecommunications equipment, 4 consumer ' +
        'equipment and photovoltaic panels, 5 lighting equipment, 6 electrical and electronic tools, 7 toys, ' +
        'leisure and sports equipment, 8 medical devices, 9 monitoring and control instruments, 10 automatic ' +
        'dispensers. Without it, the UNU-KEY decides (docs/adr/0015).',
    },
    unuKey: {
      type: 'string',
      enum: UNU_KEY_CODES,
      description:
        'UNU-KEY of the product (UNU E-waste Statistics Guidelines, 2nd ed. 2018), four digits, e.g. "0302" ' +
        '(desktop PCs): the bridge to the Annex I category when annexICategory is not given.',
    },
    weightKg: { ...positiveKg, description: 'Weight of the whole appliance, kg.' },
    yearOfManufacture: { type: 'integer', minimum: MIN_YEAR_OF_MANUFACTURE, maximum: MAX_YEAR_OF_MANUFACTURE },
    hasDataStorage: { type: 'boolean', description: 'Whether the device can hold user data.' },
    materials: { type: 'array', maxItems: 100, items: material },
    hazardousSubstances: { type: 'array', maxItems: 100, items: hazardousSubstance },
    repairInformation,
    carbonFootprintKgCo2e: {
      type: 'number',
      minimum: 0,
      maximum: MAX_CARBON_FOOTPRINT_KG_CO2E,
      description: 'Manufacturing carbon footprint, kg CO2e.',
    },
    warrantyMonths: { ...warrantyMonths, description: 'Producer warranty, months.' },
  },
} as const;

/** A label given by whoever first recorded a unit without identifiers of its own (ADR 0016). */
export const localIdentifier = {
  type: 'object',
  additionalProperties: false,
  required: ['issuer', 'value'],
  properties: {
    issuer: { ...nameString, description: 'Who gave the id: a collection point, reuse centre or repair organisation.' },
    value: { ...serialNumber, description: 'The id the issuer gave the unit, e.g. the number on its intake label.' },
  },
} as const;

/**
 * The product as a collector who is the first to see it can describe it (ADR 0016): category and
 * weight, the identifiers on it (GTIN + serial, manufacturer + serial, or a local id), the rest when known.
 */
export const collectedProductDescription = {
  ...productDescription,
  description:
    'The product as the collection that starts its history describes it: WEEE category and weight are required; ' +
    'the unit is identified by GTIN + serialNumber, manufacturer + serialNumber, or localId; the rest when known.',
  required: ['weeeCategory', 'weightKg'],
  properties: { ...productDescription.properties, localId: localIdentifier },
} as const;
