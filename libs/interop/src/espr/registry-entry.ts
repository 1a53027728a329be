/**
 * The record the EU DPP registry (ESPR Art. 13) keeps per passport, in the shape of the CIRPASS-2
 * mock registry's metadata schema (test/fixtures/standards/espr/cirpass2-eu-registry-metadata-schema.json).
 * Pure: the base URL comes from the caller. What Kierto has no value for is written as a placeholder
 * AND named in `kierto:notRecorded`, so that no reader takes a placeholder for data (docs/digital-link.md).
 */
import { digitalLinkPathOf } from '#kierto/domain';
import type { Passport } from '#kierto/projections';
import { deviceUri } from '../epcis/identifiers.js';

/** Kierto records no manufacturing or assembly facility of a product. */
export const FACILITY_NOT_RECORDED = 'urn:kierto:facility:not-recorded';

/**
 * Kierto records no HS/TARIC code. `0000` matches the schema's pattern and is no HS heading (chapters
 * start at 01), so it cannot be mistaken for one.
 */
export const COMMODITY_CODE_NOT_RECORDED = '0000';

export type NotRecordedField = 'facilitiesId' | 'commodityCode' | 'backupURL';

export interface RegistryEntry {
  /** Unique product identifier: the canonical GS1 Digital Link, else `urn:kierto:device:{deviceId}`. */
  readonly upi: string;
  /** Responsible economic operator: the producer that placed the unit on the market, as registered in Kierto. */
  readonly reoId: string;
  readonly facilitiesId: readonly string[];
  /** Where the passport is read live: this deployment's Digital Link (resolver) or passport URL. */
  readonly liveURL: string;
  /** This deployment's passport URL: not the independent back-up copy ESPR asks for. */
  readonly backupURL: string;
  readonly commodityCode: string;
  /** Kierto keeps one passport per unit. */
  readonly granularityLevel: 'ITEM';
  /** True once the unit is recycled: it no longer exists, its passport stays readable as history. */
  readonly deactivated: boolean;
  /** Extension member (the schema allows others): the members above that hold a placeholder. */
  readonly 'kierto:notRecorded': readonly NotRecordedField[];
}

/** A passport that gives no entry, and why. */
export interface WithoutRegistryEntry {
  readonly deviceId: string;
  readonly reason: string;
}

export type RegistryEntryOutcome = { readonly entry: RegistryEntry } | WithoutRegistryEntry;

/** The schema's length limits: an identifier over them is not shortened (that would change it), the entry is not given. */
const MAX_UPI = 200;
const MAX_REO_ID = 50;

/**
 * The registry entry of a passport; `base` is the deployment's public origin (KIERTO_PUBLIC_URL, or
 * the request's), without trailing slash. A unit Kierto first saw at collection has no entry: the
 * operator who placed it on the market is not recorded, and the registration was theirs to make.
 */
export function registryEntryOf(passport: Passport, base: string): RegistryEntryOutcome {
  const { deviceId } = passport;
  if (passport.placedOnMarket === null) {
    return {
      deviceId,
      reason: 'No placing on the market is recorded: the responsible economic operator is unknown to Kierto',
    };
  }
  const upi = deviceUri(deviceId);
  if (upi.length > MAX_UPI)
    return { deviceId, reason: `The identifier is longer than the registry's ${MAX_UPI} characters` };
  const reoId = passport.placedOnMarket.producerId;
  if (reoId.length > MAX_REO_ID) {
    return { deviceId, reason: `The producer id is longer than the registry's ${MAX_REO_ID} characters` };
  }
  const passportUrl = `${base}/passports/${deviceId}`;
  return {
    entry: {
      upi,
      reoId,
      facilitiesId: [FACILITY_NOT_RECORDED],
      liveURL: `${base}${digitalLinkPathOf(deviceId) ?? `/passports/${deviceId}`}`,
      backupURL: passportUrl,
      commodityCode: COMMODITY_CODE_NOT_RECORDED,
      granularityLevel: 'ITEM',
      deactivated: passport.status.lifecycle === 'recycled',
      'kierto:notRecorded': ['facilitiesId', 'commodityCode', 'backupURL'],
    },
  };
}
