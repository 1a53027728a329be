/**
 * JSON Schemas (draft 2020-12) of the data of the six device events (docs/architecture.md). They describe the
 * `data` of an event only; the envelope (eventId, occurredAt, actor, hashes, …) is the store's.
 * drift.check.ts fails the build when one of these and its type in libs/domain/src/events.ts differ.
 */
import type { DomainEventType } from '#kierto/domain';
import {
  countryCode,
  eventSchemaId,
  freeText,
  idString,
  market,
  money,
  capacityGb,
  labourMinutes,
  nameString,
  positiveKg,
  collectedProductDescription,
  productDescription,
  SCHEMA_DIALECT,
  serialNumber,
  warrantyMonths,
  wipeResult,
} from './common.js';
import {
  bulkWeeeCollectedSchema,
  deviceHandedOverSchema,
  devicesAddedToLotSchema,
  lotHandoverAcceptedSchema,
  lotHandoverOfferedSchema,
  lotHandoverRejectedSchema,
  lotOpenedSchema,
} from './lots.js';
import { producerJoinedOrganisationSchema, producerLeftOrganisationSchema } from './membership.js';

export const devicePlacedOnMarketSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('DevicePlacedOnMarket'),
  title: 'DevicePlacedOnMarket',
  description: 'A producer placed the device on a national market. Starts the device history; happens once, first.',
  type: 'object',
  additionalProperties: false,
  required: ['producerId', 'country', 'market', 'product'],
  properties: {
    producerId: {
      ...idString,
      description: 'The producer (manufacturer or importer) placing the device on the market.',
    },
    country: { ...countryCode, description: 'Country of the market, ISO 3166-1 alpha-2.' },
    market: { ...market, description: 'Whether the device is sold for household or non-household use.' },
    product: productDescription,
  },
} as const;

export const deviceCollectedSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('DeviceCollected'),
  title: 'DeviceCollected',
  description:
    'A collector took the device in: it enters the reuse or waste chain. Carries the product description when ' +
    'the device was never placed on market in Kierto (the event then starts its history).',
  type: 'object',
  additionalProperties: false,
  required: ['collectionPointId', 'channel', 'source', 'country', 'condition'],
  properties: {
    collectionPointId: { ...idString, description: 'The collection point that took the device in.' },
    channel: {
      type: 'string',
      enum: ['municipal', 'retailer-take-back', 'producer-take-back', 'reuse-centre', 'repair-shop', 'other'],
    },
    source: { ...market, description: 'Whether the device comes from a household or not.' },
    country: { ...countryCode, description: 'Country of collection, ISO 3166-1 alpha-2.' },
    measuredWeightKg: { ...positiveKg, description: 'Weight measured at collection, kg.' },
    condition: { type: 'string', enum: ['working', 'repairable', 'broken', 'unknown'] },
    onBehalfOf: {
      ...idString,
      description: 'The producer organisation this collection is reported for, when the collector knows it.',
    },
    product: collectedProductDescription,
  },
} as const;

export const deviceDataWipedSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('DeviceDataWiped'),
  title: 'DeviceDataWiped',
  description: 'A refurbisher sanitised the storage media of the device (NIST SP 800-88 / IEEE 2883).',
  type: 'object',
  additionalProperties: false,
  required: ['standard', 'method', 'tool', 'media', 'verification', 'result', 'certificateId'],
  properties: {
    standard: { type: 'string', enum: ['NIST SP 800-88', 'IEEE 2883'] },
    method: { type: 'string', enum: ['clear', 'purge', 'destruct'] },
    technique: {
      ...nameString,
      description: 'The technique within the method, e.g. "overwrite", "block-erase", "crypto-erase".',
    },
    tool: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'version'],
      properties: { name: nameString, version: nameString },
    },
    media: {
      type: 'array',
      // A wipe that names no medium proves nothing, yet a passing one would unlock resale (rule 4).
      minItems: 1,
      maxItems: 32,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'serialNumber', 'capacityGb', 'result'],
        properties: {
          type: { type: 'string', enum: ['hdd', 'ssd', 'nvme', 'emmc', 'flash', 'hybrid', 'other'] },
          serialNumber,
          capacityGb: { ...capacityGb, description: 'Capacity in GB (10^9 bytes).' },
          result: wipeResult,
        },
      },
    },
    verification: {
      type: 'object',
      additionalProperties: false,
      required: ['method', 'verified'],
      properties: {
        method: {
          type: 'string',
          enum: ['full', 'sampling', 'none'],
          description: 'Full read-back or sampled verification (NIST SP 800-88 App. G).',
        },
        verified: { type: 'boolean' },
      },
    },
    result: { ...wipeResult, description: 'Overall result; passes only when every medium passed and was verified.' },
    certificateId: { ...idString, description: 'Id of the sanitisation certificate issued for this wipe.' },
  },
} as const;

/** What a repairer knows of a device it is the first to see (ADR 0019): the category; weight when known. */
const repairedProductDescription = {
  ...collectedProductDescription,
  description:
    'The product as the repair that starts its history describes it: the WEEE category is required; the unit is ' +
    'identified by GTIN + serialNumber, manufacturer + serialNumber, or localId (an ORDS record: its ' +
    'data_provider and id); the rest, weight included, when known.',
  required: ['weeeCategory'],
} as const;

/** One ORDS field as read; a published problem text runs to about 3 000 characters. */
const ordsText = { type: 'string', maxLength: 10000 } as const;

/** The source record of a transcribed repair, field by field as read (ADR 0019): what an export gives back. */
const repairSourceRecord = {
  type: 'object',
  additionalProperties: false,
  required: ['standard', 'version', 'record'],
  description: 'The record this repair was transcribed from, every field as the source file gave it.',
  properties: {
    standard: { type: 'string', const: 'ORDS' },
    version: { type: 'string', const: '0.3' },
    record: {
      type: 'object',
      additionalProperties: false,
      properties: {
        id: ordsText,
        data_provider: ordsText,
        country: ordsText,
        partner_product_category: ordsText,
        product_category: ordsText,
        product_category_id: ordsText,
        brand: ordsText,
        year_of_manufacture: ordsText,
        product_age: ordsText,
        repair_status: ordsText,
        repair_barrier_if_end_of_life: ordsText,
        group_identifier: ordsText,
        event_date: ordsText,
        problem: ordsText,
        record_date: ordsText,
      },
    },
  },
} as const;

export const deviceRepairedSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('DeviceRepaired'),
  title: 'DeviceRepaired',
  description:
    'A repairer worked on the device. Outcome and barrier follow the Open Repair Data Standard v0.3; ' +
    'a barrier is required when the outcome is end-of-life (unless the repair is a transcribed record, `source`, ' +
    'whose standard makes it optional) and absent otherwise. A repair that carries `product` starts the history ' +
    'of a device Kierto did not know (ADR 0019).',
  type: 'object',
  additionalProperties: false,
  required: ['problem', 'actions', 'partsReplaced', 'outcome'],
  properties: {
    problem: { ...freeText, description: 'The fault as reported or found.' },
    actions: { type: 'array', maxItems: 50, items: freeText, description: 'What was done, one entry per action.' },
    partsReplaced: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'condition'],
        properties: {
          name: nameString,
          partNumber: idString,
          condition: { type: 'string', enum: ['new', 'used', 'refurbished'] },
        },
      },
    },
    outcome: {
      type: 'string',
      enum: ['fixed', 'repairable', 'end-of-life', 'unknown'],
      description: 'ORDS repair_status; unknown is ORDS "Unknown" (not recorded).',
    },
    barrier: {
      type: 'string',
      enum: [
        'spare-parts-not-available',
        'spare-parts-too-expensive',
        'no-way-to-open-product',
        'repair-information-not-available',
        'lack-of-equipment',
        'item-too-worn-out',
      ],
      description: 'ORDS repair_barrier_if_end_of_life.',
    },
    labourMinutes: {
      ...labourMinutes,
      description: 'Working time spent on the repair, minutes; absent when not recorded.',
    },
    cost: { ...money, description: 'What the repair cost.' },
    product: repairedProductDescription,
    source: repairSourceRecord,
  },
  // "barrier iff end-of-life". json-schema-to-ts ignores if/then/else by default, so the derived
  // type stays the domain's flat interface; the domain checks the same rule (decide.ts checkRepair).
  // `barrier: true` in `then` only declares the property for Ajv's strictRequired; `false` in `else`
  // forbids it.
  if: { properties: { outcome: { const: 'end-of-life' } }, required: ['outcome'] },
  // A transcribed record (`source`) keeps its standard's choice: ORDS makes the barrier optional.
  then: {
    if: { required: ['source'], properties: { source: true } },
    else: { required: ['barrier'], properties: { barrier: true } },
  },
  else: { properties: { barrier: false } },
} as const;

export const deviceResoldSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('DeviceResold'),
  title: 'DeviceResold',
  description: 'A reseller sold the device to its next holder; the device is in use again.',
  type: 'object',
  additionalProperties: false,
  required: ['channel', 'buyerType', 'country', 'price', 'warrantyMonths'],
  properties: {
    channel: {
      type: 'string',
      enum: ['shop', 'online', 'marketplace', 'auction', 'business-to-business', 'other'],
    },
    buyerType: { type: 'string', enum: ['consumer', 'business', 'public-sector', 'reseller'] },
    country: { ...countryCode, description: 'Country of the sale, ISO 3166-1 alpha-2.' },
    price: { ...money, description: 'Sale price.' },
    warrantyMonths: { ...warrantyMonths, description: 'Warranty given to the buyer, months (0 for none).' },
  },
} as const;

export const deviceRecycledSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('DeviceRecycled'),
  title: 'DeviceRecycled',
  description: 'A recycler treated the device. Final: no event follows. The outputs never weigh more than the device.',
  type: 'object',
  additionalProperties: false,
  required: ['facilityId', 'treatmentCountry', 'weightKg', 'outputs'],
  properties: {
    facilityId: { ...idString, description: 'The treatment facility.' },
    treatmentCountry: { ...countryCode, description: 'Country where the device was treated, ISO 3166-1 alpha-2.' },
    weightKg: { ...positiveKg, description: 'Weight received for treatment, kg.' },
    outputs: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['material', 'massKg', 'fate'],
        properties: {
          material: { ...nameString, description: 'Output fraction, e.g. "copper", "mixed plastics".' },
          massKg: { ...positiveKg, description: 'Mass of this output, kg.' },
          fate: { type: 'string', enum: ['recycled', 'energy-recovery', 'disposal'] },
        },
      },
    },
  },
} as const;

/** Schemas of event data by event type. `satisfies` makes a missing or extra event type a compile error. */
export const eventDataSchemas = {
  DevicePlacedOnMarket: devicePlacedOnMarketSchema,
  DeviceCollected: deviceCollectedSchema,
  DeviceDataWiped: deviceDataWipedSchema,
  DeviceRepaired: deviceRepairedSchema,
  DeviceResold: deviceResoldSchema,
  DeviceRecycled: deviceRecycledSchema,
  DeviceHandedOver: deviceHandedOverSchema,
  ProducerJoinedOrganisation: producerJoinedOrganisationSchema,
  ProducerLeftOrganisation: producerLeftOrganisationSchema,
  LotOpened: lotOpenedSchema,
  BulkWeeeCollected: bulkWeeeCollectedSchema,
  DevicesAddedToLot: devicesAddedToLotSchema,
  LotHandoverOffered: lotHandoverOfferedSchema,
  LotHandoverAccepted: lotHandoverAcceptedSchema,
  LotHandoverRejected: lotHandoverRejectedSchema,
} as const satisfies Record<DomainEventType, { readonly $id: string; readonly title: string }>;

export type EventDataSchemas = typeof eventDataSchemas;
