/**
 * The passport (docs/passport.md): one document per device, folded from its events. Its field groups are
 * kept apart on purpose: the role views of the access-control issue (public, repairer, recycler,
 * authority) are projections of this document that keep some groups and drop others.
 *
 * Absent values are `null`, never missing, so a consumer sees every field the schema promises
 * (schemas/v1/documents/Passport.schema.json).
 */
import {
  DEVICE_EVENT_TYPES,
  digitalLinkPathOf,
  evolveLifecycle,
  gtinOfDeviceId,
  isDeviceEventType,
  WEEE_CATEGORY_NAMES,
  type BuyerType,
  type DeviceEvent,
  type HazardousSubstance,
  type Lifecycle,
  type LifecycleStatus,
  type Market,
  type Material,
  type OutputFate,
  type PartCondition,
  type RepairedProductDescription,
  type RepairabilityClass,
  type RepairBarrier,
  type RepairOutcome,
  type SanitisationMethod,
  type SanitisationStandard,
  type StorageMediumType,
  type WeeeCategory,
  type WipeResult,
} from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';
import type { Evolved, Projection } from '../projection.js';
import { documentStorage } from '../read-models/documents.js';
import { PASSPORT_CODEC, PASSPORT_STORAGE } from './compact.js';

/** Null where the history started at a collection whose collector did not know it (ADR 0016). */
export interface PassportIdentity {
  readonly manufacturer: string | null;
  readonly brand: string | null;
  readonly model: string | null;
  /** GTIN-14 as stored in the device id, or null for manufacturer + serial identities. */
  readonly gtin: string | null;
  readonly serialNumber: string | null;
  /** The label a collector or repairer gave a unit without identifiers of its own, else null. */
  readonly localId: { readonly issuer: string; readonly value: string } | null;
}

export interface PassportProduct {
  readonly weeeCategory: WeeeCategory;
  readonly weeeCategoryName: string;
  /** Null when unknown: a device first seen at a repair café (ADR 0019). */
  readonly weightKg: number | null;
  /** Null when unknown (ADR 0016). */
  readonly yearOfManufacture: number | null;
  /** Null when unknown (ADR 0016): a resale then needs a passing wipe, as for a device with storage. */
  readonly hasDataStorage: boolean | null;
  readonly warrantyMonths: number | null;
}

/**
 * Who has the device, by the latest handover: placed on the market, collected, resold, recycled, or
 * handed over with a lot whose receiver accepted it (DeviceHandedOver, docs/adr/0026).
 */
export interface PassportHolder {
  /**
   * `owner`: a device first seen at a repair, in use by whoever brought it (ADR 0019). A handover
   * between organisations keeps the kind (a collected device is still in the collectors' chain) and
   * names the new organisation.
   */
  readonly kind: 'producer' | 'collector' | 'buyer' | 'recycler' | 'owner';
  /**
   * The organisation holding it: the one that placed it on the market, collected or recycled it, or
   * received it with a lot; null for a buyer or an owner (a person). Only the authority view shows it.
   */
  readonly organisationId: string | null;
  /** occurredAt of the handover. */
  readonly since: string;
  /** For a buyer, the kind of buyer recorded with the sale. */
  readonly buyerType: BuyerType | null;
}

export interface PassportStatus {
  readonly lifecycle: LifecycleStatus;
  readonly since: string;
  readonly holder: PassportHolder;
  /** The organisation and role that recorded the latest event (from authentication). */
  readonly lastRecordedBy: {
    readonly organisationId: string;
    readonly role: string;
    readonly eventType: string;
    readonly occurredAt: string;
    readonly recordedAt: string;
  };
}

export interface PassportPlacement {
  readonly producerId: string;
  readonly country: string;
  readonly market: Market;
  readonly occurredAt: string;
}

/** One repair in Open Repair Data Standard v0.3 terms (repair_status, repair_barrier_if_end_of_life). */
export interface PassportRepair {
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly problem: string;
  readonly actions: readonly string[];
  readonly partsReplaced: readonly {
    readonly name: string;
    readonly partNumber: string | null;
    readonly condition: PartCondition;
  }[];
  readonly outcome: RepairOutcome;
  readonly barrier: RepairBarrier | null;
  readonly ords: { readonly repairStatus: OrdsRepairStatus; readonly repairBarrier: OrdsRepairBarrier | null };
  /** Null when not recorded (a transcribed ORDS record). */
  readonly labourMinutes: number | null;
  readonly cost: { readonly amount: number; readonly currency: string } | null;
}

export type OrdsRepairStatus = 'Fixed' | 'Repairable' | 'End of life' | 'Unknown';
export type OrdsRepairBarrier =
  | 'Spare parts not available'
  | 'Spare parts too expensive'
  | 'No way to open product'
  | 'Repair information not available'
  | 'Lack of equipment'
  | 'Item too worn out';

const ORDS_STATUS: Readonly<Record<RepairOutcome, OrdsRepairStatus>> = {
  fixed: 'Fixed',
  repairable: 'Repairable',
  'end-of-life': 'End of life',
  unknown: 'Unknown',
};

const ORDS_BARRIER: Readonly<Record<RepairBarrier, OrdsRepairBarrier>> = {
  'spare-parts-not-available': 'Spare parts not available',
  'spare-parts-too-expensive': 'Spare parts too expensive',
  'no-way-to-open-product': 'No way to open product',
  'repair-information-not-available': 'Repair information not available',
  'lack-of-equipment': 'Lack of equipment',
  'item-too-worn-out': 'Item too worn out',
};

export interface PassportRepairGroup {
  readonly information: {
    readonly repairManualUrl: string | null;
    readonly disassemblyInstructionsUrl: string | null;
    readonly sparePartsAvailableUntil: string | null;
    readonly repairabilityClass: RepairabilityClass | null;
  };
  readonly history: readonly PassportRepair[];
}

export interface PassportSanitisationRecord {
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly standard: SanitisationStandard;
  readonly method: SanitisationMethod;
  readonly technique: string | null;
  readonly tool: { readonly name: string; readonly version: string };
  readonly media: readonly {
    readonly type: StorageMediumType;
    readonly serialNumber: string;
    readonly capacityGb: number;
    readonly result: WipeResult;
  }[];
  readonly verification: { readonly method: 'full' | 'sampling' | 'none'; readonly verified: boolean };
  readonly result: WipeResult;
  readonly certificateId: string;
}

export interface PassportDataSanitisation {
  /** Null when unknown (ADR 0016). */
  readonly dataBearing: boolean | null;
  /** A passing wipe is recorded after the latest placing on market, collection or sale (rule 4). */
  readonly wipedSinceHandover: boolean;
  readonly records: readonly PassportSanitisationRecord[];
}

export interface PassportMaterials {
  readonly materials: readonly Material[];
  /** The materials on the EU critical raw materials list (Regulation (EU) 2024/1252). */
  readonly criticalRawMaterials: readonly { readonly name: string; readonly massKg: number }[];
  readonly criticalRawMaterialsKg: number;
  /** Σ mass × recycled content over the materials. */
  readonly recycledContentKg: number;
  readonly hazardousSubstances: readonly {
    readonly name: string;
    readonly casNumber: string | null;
    readonly massKg: number | null;
    readonly location: string | null;
  }[];
}

export interface PassportEndOfLife {
  readonly recycling: {
    readonly occurredAt: string;
    readonly facilityId: string;
    readonly treatmentCountry: string;
    readonly weightKg: number;
    readonly outputs: readonly { readonly material: string; readonly massKg: number; readonly fate: OutputFate }[];
  } | null;
}

export interface PassportHistoryEntry {
  readonly type: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly globalPosition: number;
  readonly streamRevision: number;
  readonly eventId: string;
  readonly recordedBy: { readonly organisationId: string; readonly role: string };
  readonly hash: string;
  readonly prevHash: string;
}

export interface Passport {
  readonly deviceId: string;
  /** GS1 Digital Link path `/01/{gtin14}/21/{serial}`, or null without a GTIN. */
  readonly digitalLink: string | null;
  /** Revision of the device's last event: the passport reflects the history up to it. */
  readonly revision: number;
  readonly globalPosition: number;
  readonly updatedAt: string;
  readonly identity: PassportIdentity;
  readonly product: PassportProduct;
  readonly status: PassportStatus;
  /** The first use plus one per resale. */
  readonly lives: number;
  readonly placedOnMarket: PassportPlacement | null;
  readonly repair: PassportRepairGroup;
  readonly dataSanitisation: PassportDataSanitisation;
  readonly materials: PassportMaterials;
  readonly carbonFootprint: { readonly manufacturingKgCo2e: number | null };
  readonly endOfLife: PassportEndOfLife;
  readonly history: readonly PassportHistoryEntry[];
}

/**
 * Bump when the passport an event history gives changes: stored passports are then rebuilt. 2: identity.localId
 * and null for what a first collection did not know (ADR 0016); digitalLink per the GS1 grammar (ADR 0017).
 * 3: the holder's organisation, and DeviceHandedOver moves it (ADR 0026).
 */
const PASSPORT_CODE_VERSION = 3;

/** The passports table: one passport per device, its JSON deflated against a dictionary (./compact.ts). */
export const PASSPORTS = 'passports';

/** The passports projection (docs/projections.md): its evolve here, its reader in ./read-model.ts. */
export const passportProjection: Projection<Passport> = {
  name: 'passports',
  // The stored format is part of the version too: passports written by another codec are rebuilt.
  version: `passports/${PASSPORT_CODE_VERSION};documents=${PASSPORT_STORAGE}`,
  eventTypes: DEVICE_EVENT_TYPES,
  documentKey: (event) => (isDeviceEventType(event.type) ? event.streamId : null),
  evolve: (passport, event): Evolved<Passport> => {
    if (!isDeviceEventType(event.type)) return { document: passport };
    if (passport !== null && event.globalPosition <= passport.globalPosition) return { document: passport };
    return { document: evolvePassport(passport, event) };
  },
  storage: documentStorage<Passport>(PASSPORTS, PASSPORT_CODEC),
};

/**
 * Folds one stored device event into the passport; pure. Status, lives and whether the data was
 * wiped since the latest handover are the domain's lifecycle fold (evolveLifecycle); the passport
 * adds its own fields: holder, records, history.
 */
export function evolvePassport(passport: Passport | null, stored: StoredEvent): Passport | null {
  const event = { type: stored.type, occurredAt: stored.occurredAt, data: stored.data } as unknown as DeviceEvent;
  const next = evolveDocument(passport, stored, event);
  const lifecycle = evolveLifecycle(passport === null ? null : lifecycleOf(passport), event);
  if (next === null || lifecycle === null) return next;
  return {
    ...next,
    status: { ...next.status, lifecycle: lifecycle.status },
    lives: lifecycle.lives,
    dataSanitisation: { ...next.dataSanitisation, wipedSinceHandover: lifecycle.wipedSinceHandover },
  };
}

const lifecycleOf = (passport: Passport): Lifecycle => ({
  status: passport.status.lifecycle,
  wipedSinceHandover: passport.dataSanitisation.wipedSinceHandover,
  lives: passport.lives,
});

/** Everything of the passport but its lifecycle. */
function evolveDocument(passport: Passport | null, stored: StoredEvent, event: DeviceEvent): Passport | null {
  const base = passport ?? start(stored, event);
  if (base === null) return null;
  const touched: Passport = {
    ...base,
    revision: stored.streamRevision,
    globalPosition: stored.globalPosition,
    updatedAt: stored.recordedAt,
    status: {
      ...base.status,
      lastRecordedBy: {
        organisationId: stored.actor.organisationId,
        role: stored.actor.role,
        eventType: stored.type,
        occurredAt: stored.occurredAt,
        recordedAt: stored.recordedAt,
      },
    },
    history: [...base.history, historyEntry(stored)],
  };
  const organisation = stored.actor.organisationId;
  switch (event.type) {
    case 'DevicePlacedOnMarket':
      return {
        ...touched,
        placedOnMarket: {
          producerId: event.data.producerId,
          country: event.data.country,
          market: event.data.market,
          occurredAt: event.occurredAt,
        },
      };
    case 'DeviceCollected':
      return {
        ...touched,
        status: { ...touched.status, ...handover('collector', organisation, event.occurredAt, null) },
      };
    case 'DeviceHandedOver':
      return {
        ...touched,
        status: {
          ...touched.status,
          ...handover(touched.status.holder.kind, event.data.toOrganisationId, event.occurredAt, null),
        },
      };
    case 'DeviceDataWiped': {
      const { data } = event;
      const record: PassportSanitisationRecord = {
        occurredAt: event.occurredAt,
        recordedAt: stored.recordedAt,
        recordedBy: organisation,
        standard: data.standard,
        method: data.method,
        technique: data.technique ?? null,
        tool: { name: data.tool.name, version: data.tool.version },
        media: data.media.map((medium) => ({ ...medium })),
        verification: { ...data.verification },
        result: data.result,
        certificateId: data.certificateId,
      };
      const sanitisation = touched.dataSanitisation;
      return {
        ...touched,
        dataSanitisation: {
          ...sanitisation,
          records: [...sanitisation.records, record],
        },
      };
    }
    case 'DeviceRepaired': {
      const { data } = event;
      const repair: PassportRepair = {
        occurredAt: event.occurredAt,
        recordedAt: stored.recordedAt,
        recordedBy: organisation,
        problem: data.problem,
        actions: [...data.actions],
        partsReplaced: data.partsReplaced.map((part) => ({
          name: part.name,
          partNumber: part.partNumber ?? null,
          condition: part.condition,
        })),
        outcome: data.outcome,
        barrier: data.barrier ?? null,
        ords: {
          repairStatus: ORDS_STATUS[data.outcome],
          repairBarrier: data.barrier === undefined ? null : ORDS_BARRIER[data.barrier],
        },
        labourMinutes: data.labourMinutes ?? null,
        cost: data.cost === undefined ? null : { amount: data.cost.amount, currency: data.cost.currency },
      };
      return { ...touched, repair: { ...touched.repair, history: [...touched.repair.history, repair] } };
    }
    case 'DeviceResold':
      return {
        ...touched,
        status: { ...touched.status, ...handover('buyer', null, event.occurredAt, event.data.buyerType) },
      };
    case 'DeviceRecycled':
      return {
        ...touched,
        status: { ...touched.status, ...handover('recycler', organisation, event.occurredAt, null) },
        endOfLife: {
          recycling: {
            occurredAt: event.occurredAt,
            facilityId: event.data.facilityId,
            treatmentCountry: event.data.treatmentCountry,
            weightKg: event.data.weightKg,
            outputs: event.data.outputs.map((output) => ({ ...output })),
          },
        },
      };
    default:
      return touched;
  }
}

/** The holder after a handover; the lifecycle status that goes with it is the domain's (evolvePassport). */
function handover(
  kind: PassportHolder['kind'],
  organisationId: string | null,
  since: string,
  buyerType: BuyerType | null,
): Pick<PassportStatus, 'since' | 'holder'> {
  return { since, holder: { kind, organisationId, since, buyerType } };
}

function historyEntry(stored: StoredEvent): PassportHistoryEntry {
  return {
    type: stored.type,
    occurredAt: stored.occurredAt,
    recordedAt: stored.recordedAt,
    globalPosition: stored.globalPosition,
    streamRevision: stored.streamRevision,
    eventId: stored.eventId,
    recordedBy: { organisationId: stored.actor.organisationId, role: stored.actor.role },
    hash: stored.hash,
    prevHash: stored.prevHash,
  };
}

/**
 * The passport as the stream's first event creates it (placing on market, or a collection carrying
 * the product); null for an event that cannot start a history. Everything else is filled in by
 * evolvePassport, like for any later event.
 */
function start(stored: StoredEvent, event: DeviceEvent): Passport | null {
  // A full description is one a collector or a repairer could give too: one type for the three starts.
  const product: RepairedProductDescription | undefined =
    event.type === 'DevicePlacedOnMarket' || event.type === 'DeviceCollected' || event.type === 'DeviceRepaired'
      ? event.data.product
      : undefined;
  const lifecycle = evolveLifecycle(null, event);
  if (product === undefined || lifecycle === null) return null;
  const gtin = gtinOfDeviceId(stored.streamId);
  // A repair café's device is its owner's: the holder is a user, as after a sale (ADR 0019).
  const organisation = stored.actor.organisationId;
  const holder =
    event.type === 'DevicePlacedOnMarket'
      ? handover('producer', organisation, event.occurredAt, null)
      : event.type === 'DeviceRepaired'
        ? handover('owner', null, event.occurredAt, null)
        : handover('collector', organisation, event.occurredAt, null);
  const materials = (product.materials ?? []).map((material) => ({ ...material }));
  const repairInformation = product.repairInformation ?? {};
  const criticalRawMaterials = materials
    .filter((material) => material.criticalRawMaterial)
    .map((material) => ({ name: material.name, massKg: material.massKg }));
  return {
    deviceId: stored.streamId,
    digitalLink: digitalLinkPathOf(stored.streamId),
    revision: stored.streamRevision,
    globalPosition: 0,
    updatedAt: stored.recordedAt,
    identity: {
      manufacturer: product.manufacturer ?? null,
      brand: product.brand ?? null,
      model: product.model ?? null,
      gtin,
      serialNumber: product.serialNumber ?? null,
      localId: product.localId === undefined ? null : { issuer: product.localId.issuer, value: product.localId.value },
    },
    product: {
      weeeCategory: product.weeeCategory,
      weeeCategoryName: WEEE_CATEGORY_NAMES[product.weeeCategory],
      weightKg: product.weightKg ?? null,
      yearOfManufacture: product.yearOfManufacture ?? null,
      hasDataStorage: product.hasDataStorage ?? null,
      warrantyMonths: product.warrantyMonths ?? null,
    },
    status: {
      lifecycle: lifecycle.status,
      ...holder,
      lastRecordedBy: {
        organisationId: stored.actor.organisationId,
        role: stored.actor.role,
        eventType: stored.type,
        occurredAt: stored.occurredAt,
        recordedAt: stored.recordedAt,
      },
    },
    lives: lifecycle.lives,
    placedOnMarket: null,
    repair: {
      information: {
        repairManualUrl: repairInformation.repairManualUrl ?? null,
        disassemblyInstructionsUrl: repairInformation.disassemblyInstructionsUrl ?? null,
        sparePartsAvailableUntil: repairInformation.sparePartsAvailableUntil ?? null,
        repairabilityClass: repairInformation.repairabilityClass ?? null,
      },
      history: [],
    },
    dataSanitisation: {
      dataBearing: product.hasDataStorage ?? null,
      wipedSinceHandover: lifecycle.wipedSinceHandover,
      records: [],
    },
    materials: {
      materials,
      criticalRawMaterials,
      criticalRawMaterialsKg: roundKg(criticalRawMaterials.reduce((sum, material) => sum + material.massKg, 0)),
      recycledContentKg: roundKg(
        materials.reduce((sum, material) => sum + (material.massKg * material.recycledContentPercent) / 100, 0),
      ),
      hazardousSubstances: (product.hazardousSubstances ?? []).map((substance: HazardousSubstance) => ({
        name: substance.name,
        casNumber: substance.casNumber ?? null,
        massKg: substance.massKg ?? null,
        location: substance.location ?? null,
      })),
    },
    carbonFootprint: { manufacturingKgCo2e: product.carbonFootprintKgCo2e ?? null },
    endOfLife: { recycling: null },
    history: [],
  };
}

/** Sums of material masses to the milligram, so 0.08 + 0.025 shows as 0.105 and not 0.10500000000000001. */
function roundKg(kg: number): number {
  return Math.round(kg * 1_000_000) / 1_000_000;
}
