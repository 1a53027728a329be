/**
 * JSON Schemas of lots and handovers (libs/domain/src/lots.ts, docs/adr/0026-lots-and-handovers.md):
 * the data of the lot events, of the device event DeviceHandedOver that an accepted handover records
 * on each device, and the bodies of the requests. As everywhere, a request body is its event's data
 * plus `occurredAt`; the lot comes from the path, except when it is opened (the body names it).
 */
import {
  countryCode,
  eventSchemaId,
  freeText,
  idString,
  market,
  occurredAtTimestamp,
  positiveKg,
  productDescription,
  requestCountryCode,
  requestSchemaId,
  SCHEMA_DIALECT,
} from './common.js';

/** Lot and handover ids sit in URL paths: letters, digits and `-_.`, as on a printed label. */
const labelId = { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' } as const;

const lotId = { ...labelId, description: "The lot's id, e.g. the number on the pallet's label." } as const;
const handoverId = {
  ...labelId,
  description: 'The handover, unique within the lot: usually the number of its delivery note.',
} as const;
const organisationId = {
  ...idString,
  description: 'An organisation, as Kierto knows it (its API keys name it).',
} as const;
const lotKind = {
  type: 'string',
  enum: ['pallet', 'cage', 'container', 'box', 'shipment', 'other'],
  description: 'What carries the lot.',
} as const;
const label = { type: 'string', minLength: 1, maxLength: 200, description: 'A label for people.' } as const;
const weighbridgeTicket = { ...idString, description: 'The weighbridge ticket of the weighing.' } as const;
/** A device id as identity.ts writes it (isWellFormedDeviceId). */
const deviceId = {
  type: 'string',
  minLength: 1,
  maxLength: 400,
  pattern: "^(gtin:\\d{14}|(mfr|local):[A-Za-z0-9\\-_.!*'()~]+):[A-Za-z0-9\\-_.!*'()~]+$",
} as const;
/** Bulk WEEE's category: the same Annex III categories as a device's. */
const weeeCategory = productDescription.properties.weeeCategory;

export const lotOpenedSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('LotOpened'),
  title: 'LotOpened',
  description: 'An organisation opened a lot whose devices are tracked one by one (a pallet of laptops).',
  type: 'object',
  additionalProperties: false,
  required: ['lotId', 'organisationId', 'kind'],
  properties: { lotId, organisationId, kind: lotKind, label },
} as const;

export const bulkWeeeCollectedSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('BulkWeeeCollected'),
  title: 'BulkWeeeCollected',
  description:
    'A collector collected WEEE by weight, not unit by unit: it opens a bulk lot, and its mass counts in the ' +
    'collected mass (COL) of its category as it is.',
  type: 'object',
  additionalProperties: false,
  required: [
    'lotId',
    'organisationId',
    'kind',
    'weeeCategory',
    'massKg',
    'collectionPointId',
    'channel',
    'source',
    'country',
  ],
  properties: {
    lotId,
    organisationId,
    kind: lotKind,
    label,
    weeeCategory,
    massKg: { ...positiveKg, description: 'The weighed mass, kg (at most 10 t: one container).' },
    collectionPointId: { ...idString, description: 'Where it was collected.' },
    channel: {
      type: 'string',
      enum: ['municipal', 'retailer-take-back', 'producer-take-back', 'reuse-centre', 'repair-shop', 'other'],
    },
    source: { ...market, description: 'Whether it comes from households or not.' },
    country: { ...countryCode, description: 'Country of collection, ISO 3166-1 alpha-2.' },
    onBehalfOf: {
      ...idString,
      description: 'The producer organisation this collection is reported for, when the collector knows it.',
    },
    weighbridgeTicket,
  },
} as const;

export const devicesAddedToLotSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('DevicesAddedToLot'),
  title: 'DevicesAddedToLot',
  description: 'Devices its holder holds were put in the lot (each at most once per lot).',
  type: 'object',
  additionalProperties: false,
  required: ['deviceIds'],
  properties: { deviceIds: { type: 'array', minItems: 1, maxItems: 1000, items: deviceId } },
} as const;

export const lotHandoverOfferedSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('LotHandoverOffered'),
  title: 'LotHandoverOffered',
  description:
    "The lot's holder offered the lot, with the devices in it then, to another organisation; it waits for that " +
    "organisation's answer.",
  type: 'object',
  additionalProperties: false,
  required: ['handoverId', 'toOrganisationId'],
  properties: {
    handoverId,
    toOrganisationId: { ...organisationId, description: 'The organisation the lot is offered to.' },
    note: { ...freeText, description: 'For the delivery note.' },
  },
} as const;

export const lotHandoverAcceptedSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('LotHandoverAccepted'),
  title: 'LotHandoverAccepted',
  description:
    'The receiver took the lot over, with the mass it weighed on arrival; it now holds the lot and its devices.',
  type: 'object',
  additionalProperties: false,
  required: ['handoverId', 'receivedMassKg'],
  properties: {
    handoverId,
    receivedMassKg: { ...positiveKg, description: 'The mass weighed on arrival, kg.' },
    weighbridgeTicket,
  },
} as const;

export const lotHandoverRejectedSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('LotHandoverRejected'),
  title: 'LotHandoverRejected',
  description: 'The receiver refused the lot; nothing moved, and its holder may offer it again.',
  type: 'object',
  additionalProperties: false,
  required: ['handoverId', 'reason'],
  properties: { handoverId, reason: { ...freeText, description: 'Why it was refused.' } },
} as const;

export const deviceHandedOverSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('DeviceHandedOver'),
  title: 'DeviceHandedOver',
  description:
    'The device moved from one organisation to another with a lot whose handover the receiver accepted; recorded ' +
    'with that acceptance. Its lifecycle status does not change.',
  type: 'object',
  additionalProperties: false,
  required: ['lotId', 'handoverId', 'fromOrganisationId', 'toOrganisationId'],
  properties: {
    lotId,
    handoverId,
    fromOrganisationId: { ...organisationId, description: 'Who held the device.' },
    toOrganisationId: { ...organisationId, description: 'Who holds it now.' },
  },
} as const;

const occurredAt = {
  ...occurredAtTimestamp,
  description:
    "When it happened (RFC 3339 with a time zone), from 1970-01-01T00:00:00Z on. Never before the lot's previous " +
    'event, never in the future.',
} as const;

export const openLotRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('OpenLot'),
  title: 'OpenLot',
  description: 'Body of the request that records a LotOpened event.',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...lotOpenedSchema.required],
  properties: { occurredAt, ...lotOpenedSchema.properties },
} as const;

export const collectBulkWeeeRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('CollectBulkWeee'),
  title: 'CollectBulkWeee',
  description: 'Body of the request that records a BulkWeeeCollected event.',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...bulkWeeeCollectedSchema.required],
  properties: {
    occurredAt,
    ...bulkWeeeCollectedSchema.properties,
    country: {
      ...requestCountryCode,
      description:
        "Country of collection, ISO 3166-1 alpha-2. Eurostat's EL and UK are accepted and recorded as GR and GB.",
    },
  },
} as const;

export const addDevicesToLotRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('AddDevicesToLot'),
  title: 'AddDevicesToLot',
  description: 'Body of the request that records a DevicesAddedToLot event.',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...devicesAddedToLotSchema.required],
  properties: { occurredAt, ...devicesAddedToLotSchema.properties },
} as const;

export const offerLotHandoverRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('OfferLotHandover'),
  title: 'OfferLotHandover',
  description: 'Body of the request that records a LotHandoverOffered event.',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...lotHandoverOfferedSchema.required],
  properties: { occurredAt, ...lotHandoverOfferedSchema.properties },
} as const;

export const acceptLotHandoverRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('AcceptLotHandover'),
  title: 'AcceptLotHandover',
  description: 'Body of the request that records a LotHandoverAccepted event (and DeviceHandedOver on each device).',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...lotHandoverAcceptedSchema.required],
  properties: { occurredAt, ...lotHandoverAcceptedSchema.properties },
} as const;

export const rejectLotHandoverRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('RejectLotHandover'),
  title: 'RejectLotHandover',
  description: 'Body of the request that records a LotHandoverRejected event.',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...lotHandoverRejectedSchema.required],
  properties: { occurredAt, ...lotHandoverRejectedSchema.properties },
} as const;

/**
 * A DeviceHandedOver line of a bulk import (an admin loading a register's history): no HTTP route
 * takes it, a handover is accepted through its lot.
 */
export const recordHandoverRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('RecordHandover'),
  title: 'RecordHandover',
  description: 'Body of a DeviceHandedOver import line; over HTTP a handover is accepted through its lot.',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...deviceHandedOverSchema.required],
  properties: { occurredAt, ...deviceHandedOverSchema.properties },
} as const;
