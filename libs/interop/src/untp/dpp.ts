/**
 * The UNTP Digital Product Passport 0.6.0 credential of a passport (docs/interop.md, "UNTP DPP"):
 * a W3C Verifiable Credential 2.0 whose subject is the public view of the passport mapped onto the
 * UNTP vocabulary. Pure: signing is envelope.ts, keys and HTTP are the API's.
 *
 * The public view, whoever asks: a credential is handed on and cached, so it must carry nothing a
 * role view would keep from the public (libs/projections/src/passport/views.ts).
 */
import type { PublicPassport } from '#kierto/projections';
import { deviceUri, GS1_CANONICAL_ORIGIN, DEVICE_URN_PREFIX } from '../epcis/identifiers.js';
import {
  deviceUrl,
  issuerOf,
  nameBasedUuid,
  VC_CONTEXT,
  type CredentialIssuer,
  type IssuingDeployment,
} from './credential.js';

export const UNTP_DPP_CONTEXT = 'https://test.uncefact.org/vocabulary/untp/dpp/0.6.0/';
/** UNTP's link type of a traceability event credential. */
export const UNTP_DTE_LINK_TYPE = 'https://test.uncefact.org/vocabulary/linkTypes/dte';
/** UN/CEFACT Recommendation 20 unit codes. */
const KILOGRAM = 'KGM';
const EACH = 'EA';

/** Mapped JSON: what the credential subject holds. */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };
type JsonObject = { readonly [key: string]: Json };

export interface DppCredential {
  readonly '@context': readonly [typeof VC_CONTEXT, typeof UNTP_DPP_CONTEXT];
  readonly type: readonly ['DigitalProductPassport', 'VerifiableCredential'];
  readonly id: string;
  readonly issuer: CredentialIssuer;
  readonly validFrom: string;
  readonly credentialSubject: JsonObject;
}

/** Rounds a derived ratio so that the JSON does not carry floating-point noise. */
// Null when the whole is unknown (a device first seen at a repair café has no known weight, ADR 0019).
const ratio = (part: number, whole: number | null): number | null =>
  whole === null ? null : Math.round((part / whole) * 1e6) / 1e6;

const measure = (value: number, unit: string): JsonObject => ({ type: ['Measure'], value, unit });

const link = (linkURL: string, linkName: string, linkType: string): JsonObject => ({
  type: ['Link'],
  linkURL,
  linkName,
  linkType,
});

/** Drops null and undefined fields: UNTP has no nulls, an unknown value is an absent one. */
function present(fields: { readonly [key: string]: Json | undefined }): JsonObject {
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined && value !== null) out[key] = value;
  return out;
}

/**
 * The identity with every field as possibly unknown: a device first seen at collection may lack them
 * (ADR 0016); typed this way, the mapping holds whichever the passport declares.
 */
interface Identity {
  readonly manufacturer: string | null;
  readonly brand: string | null;
  readonly model: string | null;
  readonly gtin: string | null;
  readonly serialNumber: string | null;
}
const identityOf = (identity: Identity): Identity => identity;

function productName(passport: PublicPassport): string {
  const { brand, model } = identityOf(passport.identity);
  const name = [brand, model].filter((part): part is string => part !== null && part !== '').join(' ');
  return name === '' ? passport.product.weeeCategoryName : name;
}

function product(passport: PublicPassport): JsonObject {
  const identity = identityOf(passport.identity);
  const gtin = identity.gtin;
  return present({
    type: ['Product'],
    id: deviceUri(passport.deviceId),
    name: productName(passport),
    // GS1's element string form, as UNTP's example writes a GTIN + serial.
    registeredId:
      gtin !== null && identity.serialNumber !== null ? `${gtin}.21.${identity.serialNumber}` : passport.deviceId,
    idScheme:
      gtin !== null
        ? { type: ['IdentifierScheme'], id: `${GTIN_SCHEME}`, name: 'Global Trade Item Number (GTIN)' }
        : { type: ['IdentifierScheme'], id: DEVICE_URN_PREFIX, name: 'Kierto device id' },
    serialNumber: identity.serialNumber,
    productCategory: [
      {
        type: ['Classification'],
        id: `${WEEE_ANNEX_III}#category-${passport.product.weeeCategory}`,
        code: String(passport.product.weeeCategory),
        name: passport.product.weeeCategoryName,
        schemeID: WEEE_ANNEX_III,
        schemeName: 'WEEE Directive 2012/19/EU, Annex III',
      },
    ],
    furtherInformation: furtherInformation(passport),
    dimensions:
      passport.product.weightKg === null
        ? null
        : { type: ['Dimension'], weight: measure(passport.product.weightKg, KILOGRAM) },
    // What UNTP's Product has no field for, under the VC 2.0 context's issuer-dependent vocabulary.
    characteristics: present({
      type: ['Characteristics'],
      manufacturer: identity.manufacturer,
      brand: identity.brand,
      model: identity.model,
      yearOfManufacture: passport.product.yearOfManufacture,
      hasDataStorage: passport.product.hasDataStorage,
      warrantyMonths: passport.product.warrantyMonths,
      lifecycleStatus: passport.status.lifecycle,
      lifecycleStatusSince: passport.status.since,
      lives: passport.lives,
      placedOnMarket:
        passport.placedOnMarket === null
          ? null
          : {
              country: passport.placedOnMarket.country,
              market: passport.placedOnMarket.market,
              date: passport.placedOnMarket.occurredAt,
            },
      dataBearing: passport.dataSanitisation.dataBearing,
      dataWipedSinceHandover: passport.dataSanitisation.wipedSinceHandover,
      repairabilityClass: passport.repair.information.repairabilityClass,
      sparePartsAvailableUntil: passport.repair.information.sparePartsAvailableUntil,
      criticalRawMaterialsKg: passport.materials.criticalRawMaterialsKg,
    }),
  });
}

const GTIN_SCHEME = `${GS1_CANONICAL_ORIGIN}/01/`;
const WEEE_ANNEX_III = 'https://eur-lex.europa.eu/eli/dir/2012/19/oj';

function furtherInformation(passport: PublicPassport): Json[] {
  const links: Json[] = [];
  const manual = passport.repair.information.repairManualUrl;
  if (manual !== null) links.push(link(manual, 'Repair manual', 'https://gs1.org/voc/repairInfo'));
  return links;
}

/** Materials, then hazardous substances as hazardous materials (UNTP has one list for both). */
function materialsProvenance(passport: PublicPassport): Json[] {
  const weight = passport.product.weightKg;
  const materials: Json[] = passport.materials.materials.map((material) => ({
    type: ['Material'],
    name: material.name,
    mass: measure(material.massKg, KILOGRAM),
    massFraction: ratio(material.massKg, weight),
    recycledMassFraction: ratio(material.recycledContentPercent, 100),
    hazardous: false,
    criticalRawMaterial: material.criticalRawMaterial,
  }));
  const hazardous: Json[] = passport.materials.hazardousSubstances.map((substance) =>
    present({
      type: ['Material'],
      name: substance.name,
      mass: substance.massKg === null ? null : measure(substance.massKg, KILOGRAM),
      massFraction: substance.massKg === null ? null : ratio(substance.massKg, weight),
      hazardous: true,
      casNumber: substance.casNumber,
      location: substance.location,
    }),
  );
  return [...materials, ...hazardous];
}

function circularityScorecard(passport: PublicPassport): JsonObject {
  const manual = passport.repair.information.repairManualUrl;
  return present({
    type: ['CircularityPerformance'],
    repairInformation: manual === null ? null : link(manual, 'Repair manual', 'https://gs1.org/voc/repairInfo'),
    recycledContent: ratio(passport.materials.recycledContentKg, passport.product.weightKg),
  });
}

/** The manufacturing footprint, when the producer declared one: cradle to gate, per item. */
function emissionsScorecard(passport: PublicPassport): JsonObject | null {
  const footprint = passport.carbonFootprint.manufacturingKgCo2e;
  if (footprint === null) return null;
  return {
    type: ['EmissionsPerformance'],
    carbonFootprint: footprint,
    declaredUnit: EACH,
    operationalScope: 'CradleToGate',
    // Required by UNTP; Kierto is not told which share of the figure is primary data, and claims none.
    primarySourcedRatio: 0,
  };
}

/** One claim per recorded data sanitisation: conformance to the standard it was done by. */
function conformityClaims(passport: PublicPassport, subjectId: string): Json[] {
  return passport.dataSanitisation.records.map((record, index) => ({
    type: ['Claim', 'Declaration'],
    id: `${subjectId}#data-sanitisation-${index + 1}`,
    referenceStandard: {
      type: ['Standard'],
      name: record.standard,
      issuingParty:
        record.standard === 'NIST SP 800-88'
          ? { id: 'https://www.nist.gov/', name: 'National Institute of Standards and Technology' }
          : { id: 'https://standards.ieee.org/', name: 'IEEE Standards Association' },
    },
    assessmentDate: record.occurredAt.slice(0, 10),
    conformance: record.result === 'passed' && record.verification.verified,
    // Sanitisation protects the previous users' data: a matter of rights, not of the environment.
    conformityTopic: 'social.rights',
    sanitisationMethod: record.method,
    ...(record.technique === null ? {} : { sanitisationTechnique: record.technique }),
    verificationMethod: record.verification.method,
  }));
}

/** The lifecycle as traceability links: each event points into the device's DTE credential. */
function traceabilityInformation(passport: PublicPassport, deployment: IssuingDeployment): Json[] {
  const events = deviceUrl(deployment, passport.deviceId, '/traceability-events/credential');
  return [
    {
      type: ['TraceabilityPerformance'],
      valueChainProcess:
        'Electrical and electronic equipment lifecycle (placing on the market, reuse, repair, treatment)',
      traceabilityEvent: passport.history.map((entry, index) => ({
        type: ['SecureLink', 'Link'],
        linkURL: `${events}#${index}`,
        linkName: `${entry.type} ${entry.occurredAt}`,
        linkType: UNTP_DTE_LINK_TYPE,
      })),
    },
  ];
}

/**
 * The DPP credential of a passport's public view. validFrom is when Kierto recorded the passport's
 * latest event and the id is derived from the device and its number of events, so one passport
 * revision always gives the same credential.
 */
export function dppCredential(passport: PublicPassport, deployment: IssuingDeployment): DppCredential {
  const subjectId = deviceUrl(deployment, passport.deviceId);
  const emissions = emissionsScorecard(passport);
  const claims = conformityClaims(passport, subjectId);
  return {
    '@context': [VC_CONTEXT, UNTP_DPP_CONTEXT],
    type: ['DigitalProductPassport', 'VerifiableCredential'],
    id: nameBasedUuid(`kierto-dpp:${passport.deviceId}:${passport.history.length}`),
    issuer: issuerOf(deployment),
    validFrom: passport.updatedAt,
    credentialSubject: present({
      type: ['ProductPassport'],
      id: subjectId,
      product: product(passport),
      granularityLevel: 'item',
      conformityClaim: claims.length === 0 ? null : claims,
      emissionsScorecard: emissions,
      traceabilityInformation: traceabilityInformation(passport, deployment),
      circularityScorecard: circularityScorecard(passport),
      materialsProvenance: materialsProvenance(passport),
    }),
  };
}
