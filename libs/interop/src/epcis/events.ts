/**
 * Kierto's lifecycle events as EPCIS 2.0 ObjectEvents in JSON-LD (docs/interop.md, "EPCIS 2.0").
 * Pure: a stored event in, an event out. What CBV 2.0 has a word for uses it (bizStep,
 * disposition); the rest goes under the `kierto:` extension namespace (KIERTO_EPCIS_NAMESPACE).
 *
 * Two levels of detail, following the passport's role views (libs/projections/src/passport/views.ts):
 * `public` carries only what the public passport shows of each event (no actors, prices,
 * certificates, facility ids or media serials); `full` adds them, for the readers of whole histories
 * (auditors, admins: the `device:read-history` permission).
 */
import { isDeviceEventType, WEEE_CATEGORY_NAMES, type DeviceEventType, type EventDataByType } from '#kierto/domain';
import { deviceUri, eventUri, timeZoneOffsetOf } from './identifiers.js';

/** Kierto's extension namespace in EPCIS documents: `kierto:` terms expand to it. */
export const KIERTO_EPCIS_NAMESPACE = 'https://kierto.org/epcis/';

/** The EPCIS 2.0 JSON-LD context, plus the `kierto:` prefix. */
export const EPCIS_CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { kierto: KIERTO_EPCIS_NAMESPACE },
] as const;

/** Kierto's business step for data sanitisation: CBV 2.0 has none (its `encoding`, `inspecting` are other acts). */
export const SANITISING_BIZ_STEP = `${KIERTO_EPCIS_NAMESPACE}BizStep-sanitising`;

export type EpcisDetail = 'public' | 'full';
export type EpcisAction = 'ADD' | 'OBSERVE' | 'DELETE';

/** What the mapping needs of a stored event (StoredEvent of libs/event-store has these fields). */
export interface LifecycleEventRecord {
  readonly eventId: string;
  readonly streamId: string;
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly data: unknown;
}

export type JsonLdValue =
  string | number | boolean | null | readonly JsonLdValue[] | { readonly [key: string]: JsonLdValue };

export interface EpcisObjectEvent {
  readonly type: 'ObjectEvent';
  readonly eventID: string;
  readonly eventTime: string;
  readonly eventTimeZoneOffset: string;
  readonly recordTime: string;
  readonly epcList: readonly string[];
  readonly action: EpcisAction;
  readonly bizStep: string;
  readonly disposition?: string;
  readonly ilmd?: { readonly [key: string]: JsonLdValue };
  /** The Kierto event type the event stands for. */
  readonly 'kierto:eventType': DeviceEventType;
  /** Extension fields, each named `kierto:…`. */
  readonly [extension: `kierto:${string}`]: JsonLdValue;
}

/** How each event type is said in EPCIS: action, CBV business step and disposition (docs/interop.md). */
interface Mapped {
  readonly action: EpcisAction;
  readonly bizStep: string;
  readonly disposition?: string;
  readonly ilmd?: { readonly [key: string]: JsonLdValue };
  readonly extensions: { readonly [key: `kierto:${string}`]: JsonLdValue };
}

type Mapper<T extends DeviceEventType> = (data: EventDataByType[T], detail: EpcisDetail) => Mapped;

/** Only the fields a `full` reader may see: empty at `public` detail. */
function fullOnly<T extends { readonly [key: string]: JsonLdValue }>(
  detail: EpcisDetail,
  fields: T,
): T | Record<never, never> {
  return detail === 'full' ? fields : {};
}

/** Drops undefined fields (optional event data) so the JSON has no holes. */
function defined(fields: { readonly [key: string]: JsonLdValue | undefined }): { [key: string]: JsonLdValue } {
  const out: { [key: string]: JsonLdValue } = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out;
}

const MAPPERS: { readonly [T in DeviceEventType]: Mapper<T> } = {
  // Placing on the market brings the item into existence for the supply chain: ADD + commissioning,
  // and its class-level facts (WEEE category) as instance master data (ilmd).
  DevicePlacedOnMarket: (data, detail) => ({
    action: 'ADD',
    bizStep: 'commissioning',
    disposition: 'active',
    ilmd: defined({
      'kierto:manufacturer': data.product.manufacturer,
      'kierto:brand': data.product.brand,
      'kierto:model': data.product.model,
      'kierto:weeeCategory': data.product.weeeCategory,
      'kierto:weeeCategoryName': WEEE_CATEGORY_NAMES[data.product.weeeCategory],
      'kierto:weightKg': data.product.weightKg,
      'kierto:yearOfManufacture': data.product.yearOfManufacture,
    }),
    extensions: {
      'kierto:country': data.country,
      'kierto:market': data.market,
      ...fullOnly(detail, { 'kierto:producerId': data.producerId }),
    },
  }),
  // Taken back from its user: CBV `collecting`, `returned`. The public passport shows only that it
  // happened; channel, condition and weight are the collector's records.
  DeviceCollected: (data, detail) => ({
    action: 'OBSERVE',
    bizStep: 'collecting',
    disposition: 'returned',
    extensions: fullOnly(
      detail,
      defined({
        'kierto:collectionPointId': data.collectionPointId,
        'kierto:collectionChannel': data.channel,
        'kierto:source': data.source,
        'kierto:country': data.country,
        'kierto:condition': data.condition,
        'kierto:measuredWeightKg': data.measuredWeightKg,
        'kierto:onBehalfOf': data.onBehalfOf,
      }),
    ),
  }),
  // CBV has no step for erasing data: Kierto's own bizStep URI, and the record as an extension.
  DeviceDataWiped: (data, detail) => ({
    action: 'OBSERVE',
    bizStep: SANITISING_BIZ_STEP,
    extensions: {
      'kierto:dataSanitisation': defined({
        standard: data.standard,
        method: data.method,
        technique: data.technique,
        verification: { method: data.verification.method, verified: data.verification.verified },
        result: data.result,
        ...fullOnly(detail, {
          tool: { name: data.tool.name, version: data.tool.version },
          media: data.media.map((medium) => ({ ...medium })),
          certificateId: data.certificateId,
        }),
      }),
    },
  }),
  // CBV `repairing`; a fixed device is `available` again, otherwise `damaged`. The record in ORDS
  // terms as the public passport shows it.
  DeviceRepaired: (data, detail) => ({
    action: 'OBSERVE',
    bizStep: 'repairing',
    disposition: data.outcome === 'fixed' ? 'available' : 'damaged',
    extensions: {
      'kierto:repair': defined({
        problem: data.problem,
        actions: [...data.actions],
        partsReplaced: data.partsReplaced.map((part) =>
          defined({
            name: part.name,
            condition: part.condition,
            ...fullOnly(detail, defined({ partNumber: part.partNumber })),
          }),
        ),
        outcome: data.outcome,
        barrier: data.barrier,
        ...fullOnly(
          detail,
          defined({
            labourMinutes: data.labourMinutes,
            cost: data.cost === undefined ? undefined : { amount: data.cost.amount, currency: data.cost.currency },
          }),
        ),
      }),
    },
  }),
  // Sold to its next user: CBV `retail_selling`, `retail_sold`. The sale's terms are not public.
  DeviceResold: (data, detail) => ({
    action: 'OBSERVE',
    bizStep: 'retail_selling',
    disposition: 'retail_sold',
    extensions: fullOnly(detail, {
      'kierto:salesChannel': data.channel,
      'kierto:buyerType': data.buyerType,
      'kierto:country': data.country,
      'kierto:price': { amount: data.price.amount, currency: data.price.currency },
      'kierto:warrantyMonths': data.warrantyMonths,
    }),
  }),
  // Treated as waste: the item ceases to exist (DELETE), CBV `destroying`, `destroyed`; what came
  // out of it (recycling outputs) has no place in CBV.
  DeviceRecycled: (data, detail) => ({
    action: 'DELETE',
    bizStep: 'destroying',
    disposition: 'destroyed',
    extensions: {
      'kierto:recycling': {
        treatmentCountry: data.treatmentCountry,
        weightKg: data.weightKg,
        outputs: data.outputs.map((output) => ({
          material: output.material,
          massKg: output.massKg,
          fate: output.fate,
        })),
        ...fullOnly(detail, { facilityId: data.facilityId }),
      },
    },
  }),
  // Taken over with an accepted lot handover (docs/adr/0026): CBV `receiving`, still `in_progress`
  // in the chain. Which organisations and which lot are the parties' business, not the public's.
  DeviceHandedOver: (data, detail) => ({
    action: 'OBSERVE',
    bizStep: 'receiving',
    disposition: 'in_progress',
    extensions: fullOnly(detail, {
      'kierto:lotId': data.lotId,
      'kierto:handoverId': data.handoverId,
      'kierto:fromOrganisationId': data.fromOrganisationId,
      'kierto:toOrganisationId': data.toOrganisationId,
    }),
  }),
};

/** The EPCIS ObjectEvent of a stored device event; throws for an event type that is not a device event. */
export function epcisObjectEvent(event: LifecycleEventRecord, detail: EpcisDetail): EpcisObjectEvent {
  if (!isDeviceEventType(event.type)) throw new Error(`${event.type} is not a device lifecycle event`);
  const mapper = MAPPERS[event.type] as Mapper<DeviceEventType>;
  // The store holds only events the domain accepted, so the data has the shape of its type.
  const mapped = mapper(event.data as EventDataByType[DeviceEventType], detail);
  return {
    type: 'ObjectEvent',
    eventID: eventUri(event.eventId),
    eventTime: event.occurredAt,
    eventTimeZoneOffset: timeZoneOffsetOf(event.occurredAt),
    recordTime: event.recordedAt,
    epcList: [deviceUri(event.streamId)],
    action: mapped.action,
    bizStep: mapped.bizStep,
    ...(mapped.disposition === undefined ? {} : { disposition: mapped.disposition }),
    ...(mapped.ilmd === undefined ? {} : { ilmd: mapped.ilmd }),
    'kierto:eventType': event.type,
    ...mapped.extensions,
  };
}
