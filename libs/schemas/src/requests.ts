/**
 * JSON Schemas (draft 2020-12) of the bodies the API's POST endpoints accept: the data of the event
 * the command records, plus `occurredAt` (when it happened, given by the caller; docs/architecture.md, "Time").
 * Everything else of the envelope (actor, ids, hashes) comes from authentication and the store, never
 * from the body, which is why the schemas are closed.
 */
import {
  EVENT_TYPE_OF_COMMAND,
  type DomainCommandKind,
  type DomainEventDataByType,
  type EventTypeOfCommand,
} from '#kierto/domain';
import type { Timestamp } from '#kierto/domain';
import { occurredAtTimestamp, requestCountryCode, requestSchemaId, SCHEMA_DIALECT } from './common.js';
import {
  deviceCollectedSchema,
  deviceDataWipedSchema,
  devicePlacedOnMarketSchema,
  deviceRecycledSchema,
  deviceRepairedSchema,
  deviceResoldSchema,
} from './events.js';
import {
  acceptLotHandoverRequestSchema,
  addDevicesToLotRequestSchema,
  collectBulkWeeeRequestSchema,
  offerLotHandoverRequestSchema,
  openLotRequestSchema,
  recordHandoverRequestSchema,
  rejectLotHandoverRequestSchema,
} from './lots.js';
import { joinProducerOrganisationRequestSchema, leaveProducerOrganisationRequestSchema } from './membership.js';

/** Request names are the domain's command kinds, so a request maps onto a command one to one. */
export type RequestName = DomainCommandKind;

/** The event each request records when it is accepted: the domain's event → command table, read backwards. */
export const REQUEST_EVENT_TYPES: EventTypeOfCommand = EVENT_TYPE_OF_COMMAND;

export const REQUEST_NAMES = Object.keys(REQUEST_EVENT_TYPES) as readonly RequestName[];

/** The TypeScript shape of each request body: its event's data and when it happened; drift.check.ts holds the schemas to exactly these. */
export type RequestBodyByName = {
  readonly [K in RequestName]: { readonly occurredAt: Timestamp } & DomainEventDataByType[EventTypeOfCommand[K]];
};

const occurredAt = {
  ...occurredAtTimestamp,
  description:
    "When it happened (RFC 3339 with a time zone), from 1970-01-01T00:00:00Z on. Never before the device's " +
    'previous event, never in the future.',
} as const;

// The request schemas are written out rather than built by a generic helper: json-schema-to-ts needs
// the literal object types, and written-out objects also keep a readable key order in the JSON files.

export const placeDeviceOnMarketRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('PlaceDeviceOnMarket'),
  title: 'PlaceDeviceOnMarket',
  description: 'Body of the request that records a DevicePlacedOnMarket event.',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...devicePlacedOnMarketSchema.required],
  properties: {
    occurredAt,
    ...devicePlacedOnMarketSchema.properties,
    country: {
      ...requestCountryCode,
      description:
        "Country of the market, ISO 3166-1 alpha-2. Eurostat's EL and UK are accepted and recorded as GR and GB.",
    },
  },
} as const;

export const collectDeviceRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('CollectDevice'),
  title: 'CollectDevice',
  description: 'Body of the request that records a DeviceCollected event.',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...deviceCollectedSchema.required],
  properties: {
    occurredAt,
    ...deviceCollectedSchema.properties,
    country: {
      ...requestCountryCode,
      description:
        "Country of collection, ISO 3166-1 alpha-2. Eurostat's EL and UK are accepted and recorded as GR and GB.",
    },
  },
} as const;

export const recordDataWipeRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('RecordDataWipe'),
  title: 'RecordDataWipe',
  description: 'Body of the request that records a DeviceDataWiped event.',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...deviceDataWipedSchema.required],
  properties: { occurredAt, ...deviceDataWipedSchema.properties },
} as const;

export const recordRepairRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('RecordRepair'),
  title: 'RecordRepair',
  description:
    'Body of the request that records a DeviceRepaired event. A barrier is required when the outcome is ' +
    'end-of-life and absent otherwise.',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...deviceRepairedSchema.required],
  properties: { occurredAt, ...deviceRepairedSchema.properties },
  if: deviceRepairedSchema.if,
  then: deviceRepairedSchema.then,
  else: deviceRepairedSchema.else,
} as const;

export const recordResaleRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('RecordResale'),
  title: 'RecordResale',
  description: 'Body of the request that records a DeviceResold event.',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...deviceResoldSchema.required],
  properties: {
    occurredAt,
    ...deviceResoldSchema.properties,
    country: {
      ...requestCountryCode,
      description:
        "Country of the sale, ISO 3166-1 alpha-2. Eurostat's EL and UK are accepted and recorded as GR and GB.",
    },
  },
} as const;

export const recordRecyclingRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('RecordRecycling'),
  title: 'RecordRecycling',
  description: 'Body of the request that records a DeviceRecycled event.',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...deviceRecycledSchema.required],
  properties: {
    occurredAt,
    ...deviceRecycledSchema.properties,
    treatmentCountry: {
      ...requestCountryCode,
      description:
        "Country where the device was treated, ISO 3166-1 alpha-2. Eurostat's EL and UK are accepted and recorded as GR and GB.",
    },
  },
} as const;

export const requestSchemas = {
  PlaceDeviceOnMarket: placeDeviceOnMarketRequestSchema,
  CollectDevice: collectDeviceRequestSchema,
  RecordDataWipe: recordDataWipeRequestSchema,
  RecordRepair: recordRepairRequestSchema,
  RecordResale: recordResaleRequestSchema,
  RecordRecycling: recordRecyclingRequestSchema,
  RecordHandover: recordHandoverRequestSchema,
  JoinProducerOrganisation: joinProducerOrganisationRequestSchema,
  LeaveProducerOrganisation: leaveProducerOrganisationRequestSchema,
  OpenLot: openLotRequestSchema,
  CollectBulkWeee: collectBulkWeeeRequestSchema,
  AddDevicesToLot: addDevicesToLotRequestSchema,
  OfferLotHandover: offerLotHandoverRequestSchema,
  AcceptLotHandover: acceptLotHandoverRequestSchema,
  RejectLotHandover: rejectLotHandoverRequestSchema,
} as const satisfies Record<RequestName, { readonly $id: string; readonly title: string }>;

export type RequestSchemas = typeof requestSchemas;
