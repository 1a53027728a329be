/**
 * Compile-time drift check between the JSON Schemas and the domain's TypeScript types. This file has
 * no runtime content: `tsc --noEmit -p libs/schemas/tsconfig.drift.json` (run by schemas.spec.ts and
 * by the repo-wide typecheck) fails when a field is added, removed or renamed, an enum value changes
 * or a field's optionality changes on either side.
 */
import type { DomainCommand, DomainCommandKind, DomainEventDataByType, DomainEventType } from '#kierto/domain';
import type { Passport } from '#kierto/projections';
import type {
  CollectionRateDocument,
  FactsPage,
  IndicatorsDocument,
  ProjectionStatusDocument,
  RecoveryRatesDocument,
  ReportDocument,
  WeeeGeneratedDocument,
} from '#kierto/projections';
import type { documentSchemas } from './documents.js';
import type { Assert, Equals, FromSchema, SchemaMatches } from './drift-helpers.js';
import type { eventDataSchemas } from './events.js';
import type { REQUEST_EVENT_TYPES, RequestBodyByName, requestSchemas } from './requests.js';

type EventSchemas = typeof eventDataSchemas;
type RequestSchemas = typeof requestSchemas;
type DocumentSchemas = typeof documentSchemas;

// One line per event and request (not a mapped check) so that an error names the one that drifted.
// FromSchema is applied here to each concrete schema, never through a generic alias (see drift-helpers.ts).
// It ignores if/then/else (its default), so DeviceRepaired's "barrier iff end-of-life" condition is not
// part of the derived type; the flat domain interface is what the base schema is held to.
export type DriftChecks = [
  Assert<SchemaMatches<FromSchema<EventSchemas['DevicePlacedOnMarket']>, EventDataByType['DevicePlacedOnMarket']>>,
  Assert<SchemaMatches<FromSchema<EventSchemas['DeviceCollected']>, EventDataByType['DeviceCollected']>>,
  Assert<SchemaMatches<FromSchema<EventSchemas['DeviceDataWiped']>, EventDataByType['DeviceDataWiped']>>,
  Assert<SchemaMatches<FromSchema<EventSchemas['DeviceRepaired']>, EventDataByType['DeviceRepaired']>>,
  Assert<SchemaMatches<FromSchema<EventSchemas['DeviceResold']>, EventDataByType['DeviceResold']>>,
  Assert<SchemaMatches<FromSchema<EventSchemas['DeviceRecycled']>, EventDataByType['DeviceRecycled']>>,
  Assert<SchemaMatches<FromSchema<EventSchemas['DeviceHandedOver']>, EventDataByType['DeviceHandedOver']>>,
  Assert<SchemaMatches<FromSchema<EventSchemas['LotOpened']>, EventDataByType['LotOpened']>>,
  Assert<SchemaMatches<FromSchema<EventSchemas['BulkWeeeCollected']>, EventDataByType['BulkWeeeCollected']>>,
  Assert<SchemaMatches<FromSchema<EventSchemas['DevicesAddedToLot']>, EventDataByType['DevicesAddedToLot']>>,
  Assert<SchemaMatches<FromSchema<EventSchemas['LotHandoverOffered']>, EventDataByType['LotHandoverOffered']>>,
  Assert<SchemaMatches<FromSchema<EventSchemas['LotHandoverAccepted']>, EventDataByType['LotHandoverAccepted']>>,
  Assert<SchemaMatches<FromSchema<EventSchemas['LotHandoverRejected']>, EventDataByType['LotHandoverRejected']>>,
  Assert<
    SchemaMatches<FromSchema<EventSchemas['ProducerJoinedOrganisation']>, EventDataByType['ProducerJoinedOrganisation']>
  >,
  Assert<
    SchemaMatches<FromSchema<EventSchemas['ProducerLeftOrganisation']>, EventDataByType['ProducerLeftOrganisation']>
  >,

  Assert<SchemaMatches<FromSchema<RequestSchemas['PlaceDeviceOnMarket']>, RequestBodyByName['PlaceDeviceOnMarket']>>,
  Assert<SchemaMatches<FromSchema<RequestSchemas['CollectDevice']>, RequestBodyByName['CollectDevice']>>,
  Assert<SchemaMatches<FromSchema<RequestSchemas['RecordDataWipe']>, RequestBodyByName['RecordDataWipe']>>,
  Assert<SchemaMatches<FromSchema<RequestSchemas['RecordRepair']>, RequestBodyByName['RecordRepair']>>,
  Assert<SchemaMatches<FromSchema<RequestSchemas['RecordResale']>, RequestBodyByName['RecordResale']>>,
  Assert<SchemaMatches<FromSchema<RequestSchemas['RecordRecycling']>, RequestBodyByName['RecordRecycling']>>,
  Assert<SchemaMatches<FromSchema<RequestSchemas['RecordHandover']>, RequestBodyByName['RecordHandover']>>,
  Assert<SchemaMatches<FromSchema<RequestSchemas['OpenLot']>, RequestBodyByName['OpenLot']>>,
  Assert<SchemaMatches<FromSchema<RequestSchemas['CollectBulkWeee']>, RequestBodyByName['CollectBulkWeee']>>,
  Assert<SchemaMatches<FromSchema<RequestSchemas['AddDevicesToLot']>, RequestBodyByName['AddDevicesToLot']>>,
  Assert<SchemaMatches<FromSchema<RequestSchemas['OfferLotHandover']>, RequestBodyByName['OfferLotHandover']>>,
  Assert<SchemaMatches<FromSchema<RequestSchemas['AcceptLotHandover']>, RequestBodyByName['AcceptLotHandover']>>,
  Assert<SchemaMatches<FromSchema<RequestSchemas['RejectLotHandover']>, RequestBodyByName['RejectLotHandover']>>,
  Assert<
    SchemaMatches<FromSchema<RequestSchemas['JoinProducerOrganisation']>, RequestBodyByName['JoinProducerOrganisation']>
  >,
  Assert<
    SchemaMatches<
      FromSchema<RequestSchemas['LeaveProducerOrganisation']>,
      RequestBodyByName['LeaveProducerOrganisation']
    >
  >,

  // The documents the API serves, against their types in libs/projections.
  Assert<SchemaMatches<FromSchema<DocumentSchemas['Passport']>, Passport>>,
  Assert<SchemaMatches<FromSchema<DocumentSchemas['CollectionRate']>, CollectionRateDocument>>,
  Assert<SchemaMatches<FromSchema<DocumentSchemas['RecoveryRates']>, RecoveryRatesDocument>>,
  Assert<SchemaMatches<FromSchema<DocumentSchemas['ProducerOrganisationReport']>, ReportDocument>>,
  Assert<SchemaMatches<FromSchema<DocumentSchemas['DeviceIndicators']>, IndicatorsDocument>>,
  Assert<SchemaMatches<FromSchema<DocumentSchemas['StatisticsFacts']>, FactsPage>>,
  Assert<SchemaMatches<FromSchema<DocumentSchemas['WeeeGenerated']>, WeeeGeneratedDocument>>,
  Assert<SchemaMatches<FromSchema<DocumentSchemas['ProjectionStatus']>, ProjectionStatusDocument>>,

  // Every event type and every command kind has a schema, and nothing else does.
  Assert<Equals<keyof EventSchemas, DomainEventType>>,
  Assert<Equals<keyof RequestSchemas, DomainCommandKind>>,
  // Each request records the event whose data its command carries.
  Assert<Equals<RequestEventMismatches, never>>,
];

type EventDataByType = DomainEventDataByType;

type RequestEventMismatches = {
  [K in DomainCommandKind]: Equals<
    Extract<DomainCommand, { readonly kind: K }>['data'],
    EventDataByType[(typeof REQUEST_EVENT_TYPES)[K]]
  > extends true
    ? never
    : K;
}[DomainCommandKind];
