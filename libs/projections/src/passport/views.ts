/**
 * Role views of the passport (docs/passport.md, ESPR differentiated access): what the public, a repairer,
 * a recycler and an authority see of one device. Modelled on the access matrix of the Battery
 * Passport (Battery Pass data attributes v1.2, column access_rights): "Public", "persons with a
 * legitimate interest" (split here into repairers and recyclers) and "notified bodies, market
 * surveillance authorities and the Commission" (authority). docs/passport.md, "Views by role",
 * gives the same matrix as a table, with the rows of the Battery Passport each choice follows.
 *
 * Each view is a selection tree over the Passport, and these trees are the only list of a view's
 * fields: passportView() applies them to documents, and libs/schemas derives each view's JSON Schema
 * from the Passport schema with them (passportViewSchema), so the two cannot disagree.
 *
 * Deny by default: except for the authority view, the trees name every leaf field instead of keeping
 * a whole group with `true`, so that a field added to the Passport later shows up in no view but the
 * authority's until someone adds it here. The type ExplicitSelection enforces that, and also makes a
 * misspelt field a compile error.
 *
 * What a non-authority view never contains: actors (organisation ids and roles, key ids,
 * `recordedBy`, `lastRecordedBy`, `producerId`, `facilityId` — except `facilityId` for recyclers),
 * prices (repair `cost`), internal ids and positions (`eventId`, `globalPosition`, `streamRevision`,
 * `revision`, hashes), nor anything that identifies a person. The one-line reason for each choice
 * sits next to it below.
 */
import type { Passport } from './passport.js';

export const PASSPORT_VIEWS = ['public', 'repairer', 'recycler', 'authority'] as const;
export type PassportView = (typeof PASSPORT_VIEWS)[number];

export function isPassportView(value: string): value is PassportView {
  return (PASSPORT_VIEWS as readonly string[]).includes(value);
}

/**
 * Which fields of a document to keep: `true` keeps the value whole, an object keeps the fields it
 * names (each by its own selection) and drops the others. Applied to an array, a selection applies to
 * each element; applied to null, it keeps the null (a nullable group stays null when absent).
 */
export type Selection = true | { readonly [field: string]: Selection };

/**
 * A selection of T that opens every object down to its leaves: `true` only for values that are not
 * objects (strings, numbers, booleans, enums, arrays of those). Fields must exist on T.
 */
export type ExplicitSelection<T> = [NonNullable<T>] extends [readonly (infer E)[]]
  ? ExplicitSelection<E>
  : NonNullable<T> extends object
    ? { readonly [K in keyof NonNullable<T>]?: ExplicitSelection<NonNullable<T>[K]> }
    : true;

/** The type of what a selection keeps of T: the selected fields, all present, nulls kept. */
export type Selected<T, S> = S extends true
  ? T
  : T extends null
    ? null
    : T extends readonly (infer E)[]
      ? readonly Selected<E, S>[]
      : { readonly [K in keyof S & keyof T]: Selected<T[K], S[K]> };

// ---------------------------------------------------------------------------------------------
// The views. Fields appear in the Passport's order; a field a view omits is simply not listed.

// Parts every view shows alike: what the product is, what it is made of and where it was placed on
// the market. All Public in the Battery Pass matrix ("Battery identifier", "Manufacturer identifier",
// "Battery category", "Battery mass", "Manufacturing date", "Warranty period", "Battery chemistry",
// "Critical raw materials", "Hazardous substances", recycled content, "Battery carbon footprint").
const IDENTITY = {
  manufacturer: true,
  brand: true,
  model: true,
  gtin: true,
  serialNumber: true,
  localId: { issuer: true, value: true },
} as const;
const PRODUCT = {
  weeeCategory: true,
  weeeCategoryName: true,
  weightKg: true,
  yearOfManufacture: true,
  hasDataStorage: true,
  warrantyMonths: true,
} as const;
const MATERIALS = {
  materials: { name: true, massKg: true, criticalRawMaterial: true, recycledContentPercent: true },
  criticalRawMaterials: { name: true, massKg: true },
  criticalRawMaterialsKg: true,
  recycledContentKg: true,
  hazardousSubstances: { name: true, casNumber: true, massKg: true, location: true },
} as const;
const CARBON_FOOTPRINT = { manufacturingKgCo2e: true } as const;
// producerId is Kierto's organisation id of the registrant (an account: authority only); the
// manufacturer itself is public in identity.
const PLACEMENT = { country: true, market: true, occurredAt: true } as const;

/** Anyone scanning the QR code: the product, what happened to it, and nothing about who did it. */
const PUBLIC = {
  deviceId: true, // product identifier (Battery Pass "Battery identifier": Public)
  digitalLink: true,
  // revision, globalPosition: positions in Kierto's log, internal (authority).
  updatedAt: true,
  identity: IDENTITY,
  product: PRODUCT,
  status: {
    // Kept public although "Battery status" is legitimate-interest: a buyer of a used device must be
    // able to see that it was recorded as collected or recycled (a device taken from the waste stream).
    lifecycle: true,
    since: true,
    // holder: who has the device (a consumer buyer, since when) is about a person: legitimate interest.
    // lastRecordedBy: an actor (authority).
  },
  lives: true, // how many times the device was resold: what a second-hand buyer needs to know
  placedOnMarket: PLACEMENT,
  repair: {
    information: {
      repairManualUrl: true, // consumer right to repair
      // disassemblyInstructionsUrl: "Dismantling information": persons with a legitimate interest.
      sparePartsAvailableUntil: true, // a consumer-facing promise like the warranty
      repairabilityClass: true, // a label (like the "Carbon footprint label": Public)
    },
    history: {
      // The repair record as the Open Repair Data Standard publishes it: no repairer, no price.
      occurredAt: true,
      // recordedAt: when Kierto learnt of it, bookkeeping (repairer, recycler).
      // recordedBy: an actor, and repairers compete with each other on this system (authority).
      problem: true,
      actions: true,
      // partNumber: "Part numbers for components": persons with a legitimate interest.
      partsReplaced: { name: true, condition: true },
      outcome: true,
      barrier: true,
      ords: { repairStatus: true, repairBarrier: true },
      // labourMinutes: a repairer's productivity (repairer). cost: a price (authority).
    },
  },
  dataSanitisation: {
    dataBearing: true,
    wipedSinceHandover: true,
    records: {
      // That the data was destroyed, by which standard and method, and whether it was verified.
      occurredAt: true,
      standard: true,
      method: true,
      technique: true, // e.g. crypto-erase: qualifies the method, says nothing about who
      // recordedAt: bookkeeping (repairer, recycler). certificateId: the wiping business's evidence
      // (repairer, recycler). tool and media (with their serial numbers, hardware identifiers): how
      // the wipe was done, for whoever refurbishes the device (repairer). recordedBy: an actor (authority).
      verification: { method: true, verified: true },
      result: true,
    },
  },
  materials: MATERIALS,
  carbonFootprint: CARBON_FOOTPRINT,
  endOfLife: {
    // facilityId: an actor (recycler, authority).
    recycling: {
      occurredAt: true,
      treatmentCountry: true,
      weightKg: true,
      outputs: { material: true, massKg: true, fate: true },
    },
  },
  // What happened and when. recordedAt: bookkeeping (repairer, recycler). Who recorded it, the log
  // positions and the hashes are the authority's.
  history: { type: true, occurredAt: true },
} as const satisfies ExplicitSelection<Passport>;

/**
 * Repairers and refurbishers ("persons with a legitimate interest"): public, plus what repairing,
 * wiping and reselling the device needs. Still no cost and no recordedBy: competitors share Kierto.
 */
const REPAIRER = {
  deviceId: true,
  digitalLink: true,
  updatedAt: true,
  identity: IDENTITY,
  product: PRODUCT,
  status: {
    lifecycle: true,
    since: true,
    holder: { kind: true, since: true, buyerType: true }, // who they get it from ("Battery status")
  },
  lives: true,
  placedOnMarket: PLACEMENT,
  repair: {
    information: {
      repairManualUrl: true,
      disassemblyInstructionsUrl: true, // "Dismantling information": legitimate interest
      sparePartsAvailableUntil: true,
      repairabilityClass: true,
    },
    history: {
      occurredAt: true,
      recordedAt: true,
      problem: true,
      actions: true,
      partsReplaced: { name: true, partNumber: true, condition: true }, // "Part numbers for components"
      outcome: true,
      barrier: true,
      ords: { repairStatus: true, repairBarrier: true },
      labourMinutes: true, // how long earlier repairs took: the effort to expect
    },
  },
  dataSanitisation: {
    dataBearing: true,
    wipedSinceHandover: true,
    records: {
      occurredAt: true,
      recordedAt: true,
      standard: true,
      method: true,
      technique: true,
      tool: { name: true, version: true },
      // The medium's serial lets whoever holds the device check that the certificate covers the drive
      // actually installed (a swapped drive would otherwise pass as wiped); they can read it off the
      // drive anyway, so it tells them nothing new.
      media: { type: true, serialNumber: true, capacityGb: true, result: true },
      verification: { method: true, verified: true },
      result: true,
      certificateId: true, // the evidence a refurbisher hands on to its buyer
    },
  },
  materials: MATERIALS,
  carbonFootprint: CARBON_FOOTPRINT,
  endOfLife: {
    recycling: {
      occurredAt: true,
      treatmentCountry: true,
      weightKg: true,
      outputs: { material: true, massKg: true, fate: true },
    },
  },
  history: { type: true, occurredAt: true, recordedAt: true },
} as const satisfies ExplicitSelection<Passport>;

/**
 * Recyclers ("persons with a legitimate interest"): public, plus what dismantling and treating the
 * device needs, and their own facility on the recycling record.
 */
const RECYCLER = {
  deviceId: true,
  digitalLink: true,
  updatedAt: true,
  identity: IDENTITY,
  product: PRODUCT,
  status: {
    lifecycle: true,
    since: true,
    holder: { kind: true, since: true, buyerType: true },
  },
  lives: true,
  placedOnMarket: PLACEMENT,
  repair: {
    information: {
      repairManualUrl: true,
      disassemblyInstructionsUrl: true, // "Dismantling information": legitimate interest
      sparePartsAvailableUntil: true,
      repairabilityClass: true,
    },
    history: {
      occurredAt: true,
      recordedAt: true,
      problem: true,
      actions: true,
      // A replaced part (a third-party battery) may differ from the product's declared composition.
      partsReplaced: { name: true, partNumber: true, condition: true },
      outcome: true,
      barrier: true,
      ords: { repairStatus: true, repairBarrier: true },
    },
  },
  dataSanitisation: {
    dataBearing: true,
    wipedSinceHandover: true,
    records: {
      occurredAt: true,
      recordedAt: true,
      standard: true,
      method: true,
      technique: true,
      verification: { method: true, verified: true },
      result: true,
      // Whether the data-bearing parts still need destroying, and the certificate that says they do
      // not; the media themselves (serials) are the refurbisher's concern.
      certificateId: true,
    },
  },
  materials: MATERIALS,
  carbonFootprint: CARBON_FOOTPRINT,
  endOfLife: {
    recycling: {
      occurredAt: true,
      facilityId: true, // the treatment facility: recyclers trace outputs to facilities
      treatmentCountry: true,
      weightKg: true,
      outputs: { material: true, massKg: true, fate: true },
    },
  },
  history: { type: true, occurredAt: true, recordedAt: true },
} as const satisfies ExplicitSelection<Passport>;

/**
 * Each view's selection. The authority view (auditors, market surveillance: "notified bodies, market
 * surveillance authorities and the Commission") is the whole document.
 */
export const PASSPORT_VIEW_SELECTIONS = {
  public: PUBLIC,
  repairer: REPAIRER,
  recycler: RECYCLER,
  authority: true,
} as const satisfies Readonly<Record<PassportView, Selection>>;

type Selections = typeof PASSPORT_VIEW_SELECTIONS;

/** The document of one view. */
export type PassportViewDocument<V extends PassportView> = Selected<Passport, Selections[V]>;
export type PublicPassport = PassportViewDocument<'public'>;
export type RepairerPassport = PassportViewDocument<'repairer'>;
export type RecyclerPassport = PassportViewDocument<'recycler'>;
/** The full document. */
export type AuthorityPassport = PassportViewDocument<'authority'>;

/**
 * The passport as one view shows it: a new object with exactly the selected fields. Parts a view
 * keeps whole (values, arrays of values; for authority, the document itself) are shared with the
 * input rather than copied: passports are immutable.
 */
export function passportView<V extends PassportView>(passport: Passport, view: V): PassportViewDocument<V> {
  const selection: Selection = PASSPORT_VIEW_SELECTIONS[view];
  // applySelection() follows the selection that also gives the type, so the value has that type.
  return applySelection(passport, selection) as PassportViewDocument<V>;
}

/** Applies a selection to a JSON value (see Selection); pure. */
export function applySelection(value: unknown, selection: Selection): unknown {
  if (selection === true || value === null) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => applySelection(item, selection));
  // A selection that opens a value which is not an object has nothing to keep. Unreachable for a
  // Passport (the types forbid it); failing closed keeps a malformed document from leaking whole.
  if (typeof value !== 'object') return undefined;
  const source = value as Readonly<Record<string, unknown>>;
  const kept: Record<string, unknown> = {};
  for (const [field, fieldSelection] of Object.entries(selection)) {
    if (!Object.hasOwn(source, field)) continue;
    const selected = applySelection(source[field], fieldSelection);
    if (selected !== undefined) kept[field] = selected;
  }
  return kept;
}
