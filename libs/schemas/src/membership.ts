/**
 * JSON Schemas of producer organisation membership (libs/domain/src/membership.ts): the data of the
 * two events and the bodies of the two requests that record them. As for devices, a request body is
 * its event's data plus `occurredAt`; the producer comes from the path (`/producers/{producerId}/…`).
 */
import { eventSchemaId, idString, occurredAtTimestamp, requestSchemaId, SCHEMA_DIALECT } from './common.js';

const organisationId = {
  ...idString,
  description: 'The producer organisation (e.g. a WEEE compliance scheme).',
} as const;

export const producerJoinedOrganisationSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('ProducerJoinedOrganisation'),
  title: 'ProducerJoinedOrganisation',
  description:
    'A producer became a member of a producer organisation, from occurredAt on. A producer belongs to at most ' +
    'one organisation at a time.',
  type: 'object',
  additionalProperties: false,
  required: ['organisationId'],
  properties: { organisationId },
} as const;

export const producerLeftOrganisationSchema = {
  $schema: SCHEMA_DIALECT,
  $id: eventSchemaId('ProducerLeftOrganisation'),
  title: 'ProducerLeftOrganisation',
  description: 'A producer stopped being a member of the producer organisation it was in, from occurredAt on.',
  type: 'object',
  additionalProperties: false,
  required: ['organisationId'],
  properties: { organisationId },
} as const;

const occurredAt = {
  ...occurredAtTimestamp,
  description:
    'When the change takes effect (RFC 3339 with a time zone, from 1970-01-01T00:00:00Z on); may lie in the past, never before the ' +
    "producer's previous membership change, never in the future.",
} as const;

export const joinProducerOrganisationRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('JoinProducerOrganisation'),
  title: 'JoinProducerOrganisation',
  description: 'Body of the request that records a ProducerJoinedOrganisation event.',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...producerJoinedOrganisationSchema.required],
  properties: { occurredAt, ...producerJoinedOrganisationSchema.properties },
} as const;

export const leaveProducerOrganisationRequestSchema = {
  $schema: SCHEMA_DIALECT,
  $id: requestSchemaId('LeaveProducerOrganisation'),
  title: 'LeaveProducerOrganisation',
  description: 'Body of the request that records a ProducerLeftOrganisation event.',
  type: 'object',
  additionalProperties: false,
  required: ['occurredAt', ...producerLeftOrganisationSchema.required],
  properties: { occurredAt, ...producerLeftOrganisationSchema.properties },
} as const;
