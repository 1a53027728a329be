/**
 * The statistics projection (docs/statistics.md): every event becomes zero or more
 * **facts**, one per (event, measure), appended and never changed. Every published figure is a sum
 * of facts, so every figure can list the devices and events behind it, and an as-of figure is the
 * same sum over the facts recorded by then.
 *
 * A fact carries what the WEEE reports group by (year, country, category, household or not, the
 * treatment location) and what producer organisation attribution needs (producer, onBehalfOf and
 * the attribution time). The organisation itself is resolved when a figure is asked for, from the
 * membership intervals this projection also maintains: a membership recorded late still moves the
 * facts it concerns (docs/adr/0006-statistics-fact-table.md).
 */
import {
  annexIClassificationOf,
  DEVICE_EVENT_TYPES,
  evolveLifecycle,
  referencePeriodOn,
  isDeviceEventType,
  treatmentLocation,
  type BulkWeeeCollectedData,
  type CountryCode,
  type DeviceEvent,
  type Market,
  type ReferencePeriodId,
  type TreatmentLocation,
} from '#kierto/domain';
import type { StoredEvent } from '#kierto/event-store';
import { evolveMembership, MEMBERSHIP_EVENT_TYPES } from '../memberships/memberships.js';
import type { Projection } from '../projection.js';
import { kgToMg } from './mass.js';
import type { CollectionContext, Measure, StatisticsApplied, StatisticsDevice, StatisticsFact } from './model.js';
import { statisticsStorage } from './storage.js';
import { calendarDate, calendarYear, epochMillis, utcIso } from './time.js';

export {
  MEASURES,
  TREATMENT_LOCATIONS,
  type Measure,
  type StatisticsApplied,
  type StatisticsDevice,
  type StatisticsFact,
} from './model.js';
export type { MembershipChange } from '../memberships/memberships.js';

const unchanged = (document: StatisticsDevice | null): StatisticsApplied => ({ document, facts: [], memberships: [] });

export interface StatisticsOptions {
  /** IANA time zone whose calendar years the figures use (default UTC). */
  readonly timeZone: string;
}

/**
 * Bump when the facts an event produces change: stored statistics are then rebuilt. 3: facts and
 * cells carry the Annex I category and the reference period (docs/adr/0015). 4: bulk WEEE collected
 * by weight counts in COL (BulkWeeeCollected, docs/adr/0026). 5: the storage gains recorded cells
 * and a recorded_at index for as-of figures (docs/adr/0031); the facts are unchanged. 6: running
 * totals per key and recording day for national as-of figures (docs/adr/0033); facts unchanged.
 */
const STATISTICS_CODE_VERSION = 6;

/** The statistics projection (docs/statistics.md): its evolve here, its tables and SQL in ./storage.ts. */
export function statisticsProjection(options: StatisticsOptions): Projection<StatisticsDevice, StatisticsApplied> {
  return {
    name: 'statistics',
    version: `statistics/${STATISTICS_CODE_VERSION};timeZone=${options.timeZone}`,
    eventTypes: [...DEVICE_EVENT_TYPES, ...MEMBERSHIP_EVENT_TYPES, 'BulkWeeeCollected'],
    documentKey: (event) => (isDeviceEventType(event.type) ? event.streamId : null),
    evolve: (device, event) => applyStatistics(device, event, options.timeZone),
    storage: statisticsStorage,
  };
}

export function applyStatistics(
  device: StatisticsDevice | null,
  stored: StoredEvent,
  timeZone: string,
): StatisticsApplied {
  const membership = evolveMembership(stored);
  if (membership !== null) return { document: null, facts: [], memberships: [membership] };
  if (stored.type === 'BulkWeeeCollected')
    return { document: null, facts: bulkCollectionFacts(stored, timeZone), memberships: [] };
  if (!isDeviceEventType(stored.type)) return unchanged(device);
  if (device !== null && stored.globalPosition <= device.position) return unchanged(device);
  const event = { type: stored.type, occurredAt: stored.occurredAt, data: stored.data } as unknown as DeviceEvent;
  const facts = new FactsOf(stored, timeZone);
  const next = evolveStatistics(device, event, stored.globalPosition, facts);
  return { document: next, facts: facts.list, memberships: [] };
}

/**
 * Bulk WEEE collected by weight (a lot's BulkWeeeCollected, docs/adr/0026): one COL fact of exactly
 * its mass, in its category, for its country, source and onBehalfOf, as a device's collection would
 * be. No units (nothing was counted), no producer (the organisation comes from onBehalfOf), and the
 * Annex I category unknown (a cage of mixed small appliances has no UNU-KEY). Its "device" is the
 * lot's stream, so the figure lists the lot behind it. No document: nothing follows it per unit.
 */
function bulkCollectionFacts(stored: StoredEvent, timeZone: string): StatisticsFact[] {
  const data = stored.data as unknown as BulkWeeeCollectedData;
  const facts = new FactsOf(stored, timeZone);
  const lot: StatisticsDevice = {
    position: stored.globalPosition,
    category: data.weeeCategory,
    annexICategory: null,
    productMassMg: kgToMg(data.massKg),
    yearOfManufacture: null,
    hasDataStorage: null,
    producerId: null,
    market: data.source,
    country: data.country,
    attributedAt: epochMillis(stored.occurredAt),
    status: 'collected',
    wipedSinceHandover: false,
    lives: 1,
    measuredMassMg: kgToMg(data.massKg),
    collection: null,
  };
  facts.add(
    'COL',
    lot,
    { country: data.country, market: data.source, onBehalfOf: data.onBehalfOf ?? null, attributedAt: lot.attributedAt },
    { massMg: lot.productMassMg, units: 0 },
  );
  return facts.list;
}

/** Collects the facts of one event; everything an event's facts share comes from its envelope. */
class FactsOf {
  readonly list: StatisticsFact[] = [];
  private readonly year: number;
  private readonly period: ReferencePeriodId;
  private readonly recordedAt: string;

  constructor(
    private readonly stored: StoredEvent,
    timeZone: string,
  ) {
    this.year = calendarYear(stored.occurredAt, timeZone);
    // The same calendar as the year: each fact falls in exactly one reference period.
    this.period = referencePeriodOn(calendarDate(stored.occurredAt, timeZone)).id;
    this.recordedAt = utcIso(stored.recordedAt);
  }

  get occurredYear(): number {
    return this.year;
  }

  add(
    measure: Measure,
    device: StatisticsDevice,
    where: Where,
    amounts: { massMg?: number; units: number; value?: number; treatment?: TreatmentLocation },
  ): void {
    this.list.push({
      globalPosition: this.stored.globalPosition,
      measure,
      eventId: this.stored.eventId,
      deviceId: this.stored.streamId,
      recordedAt: this.recordedAt,
      occurredAt: this.stored.occurredAt,
      year: this.year,
      country: where.country,
      producerId: device.producerId,
      onBehalfOf: where.onBehalfOf,
      attributedAt: where.attributedAt,
      category: device.category,
      annexICategory: device.annexICategory,
      period: this.period,
      market: where.market,
      treatment: amounts.treatment ?? null,
      massMg: amounts.massMg ?? 0,
      units: amounts.units,
      value: amounts.value ?? null,
    });
  }
}

interface Where {
  readonly country: CountryCode;
  readonly market: Market;
  readonly onBehalfOf: string | null;
  readonly attributedAt: number;
}

/** The attribution of the collection a device is in: COL and everything that follows it. */
const collectionWhere = (collection: CollectionContext): Where => ({
  country: collection.country,
  market: collection.source,
  onBehalfOf: collection.onBehalfOf,
  attributedAt: collection.attributedAt,
});

function evolveStatistics(
  device: StatisticsDevice | null,
  event: DeviceEvent,
  position: number,
  facts: FactsOf,
): StatisticsDevice | null {
  // Status, lives and the handover rule are the domain's fold (docs/statistics.md); the rest is the statistics' own.
  const lifecycle = evolveLifecycle(device, event);
  if (lifecycle === null) return device;
  const at = epochMillis(event.occurredAt);
  switch (event.type) {
    case 'DevicePlacedOnMarket': {
      const { product, producerId, country, market } = event.data;
      const placed: StatisticsDevice = {
        position,
        category: product.weeeCategory,
        annexICategory: annexIClassificationOf(product).category,
        productMassMg: kgToMg(product.weightKg),
        yearOfManufacture: product.yearOfManufacture,
        hasDataStorage: product.hasDataStorage,
        producerId,
        market,
        country,
        attributedAt: at,
        ...lifecycle,
        measuredMassMg: null,
        collection: null,
      };
      facts.add(
        'POM',
        placed,
        { country, market, onBehalfOf: null, attributedAt: at },
        { massMg: placed.productMassMg, units: 1 },
      );
      return placed;
    }
    case 'DeviceCollected': {
      const { data } = event;
      const product = data.product;
      const base: StatisticsDevice | null =
        device ??
        (product === undefined
          ? null
          : {
              position,
              category: product.weeeCategory,
              annexICategory: annexIClassificationOf(product).category,
              productMassMg: kgToMg(product.weightKg),
              yearOfManufacture: product.yearOfManufacture ?? null,
              hasDataStorage: product.hasDataStorage ?? null,
              producerId: null,
              market: data.source,
              country: data.country,
              attributedAt: at,
              ...lifecycle,
              measuredMassMg: null,
              collection: null,
            });
      if (base === null) return null;
      const measuredMassMg = data.measuredWeightKg === undefined ? null : kgToMg(data.measuredWeightKg);
      const collection: CollectionContext = {
        country: data.country,
        source: data.source,
        onBehalfOf: data.onBehalfOf ?? null,
        attributedAt: at,
        massMg: measuredMassMg ?? base.productMassMg,
      };
      const next: StatisticsDevice = {
        ...base,
        position,
        country: data.country,
        attributedAt: at,
        ...lifecycle,
        measuredMassMg: measuredMassMg ?? base.measuredMassMg,
        collection,
      };
      const where = collectionWhere(collection);
      facts.add('COL', next, where, { massMg: collection.massMg, units: 1 });
      // The age indicators count the devices whose year of manufacture is known (ADR 0016).
      if (next.yearOfManufacture !== null) {
        facts.add('AGE_AT_COL', next, where, { units: 1, value: facts.occurredYear - next.yearOfManufacture });
      }
      return next;
    }
    case 'DeviceDataWiped':
      if (device === null) return null;
      return { ...device, ...lifecycle, position };
    case 'DeviceRepaired': {
      if (device === null) return null;
      const where = whereNow(device);
      facts.add('REPAIR', device, where, { units: 1 });
      if (event.data.outcome === 'fixed') facts.add('REPAIR_FIXED', device, where, { units: 1 });
      return { ...device, position };
    }
    case 'DeviceResold': {
      if (device === null) return null;
      const { collection } = device;
      const fromWasteChain = device.status === 'collected' && collection !== null;
      const where: Where = fromWasteChain
        ? collectionWhere(collection)
        : { country: event.data.country, market: device.market, onBehalfOf: null, attributedAt: at };
      if (fromWasteChain) {
        // Resold after collection: prepared for re-use at whole-appliance weight, still in COL.
        // Preparing for re-use is a recovery operation (Directive 2008/98/EC Art. 3(16); Annex V of
        // 2012/19/EU counts it in the recovery target) and so a treatment: the same mass is recovered
        // and treated too, which makes PfR ⊆ RCV ⊆ TREATED hold fact by fact. The checking and
        // repair happen under the collection, in its country (docs/adr/0009-recovery-includes-preparing-for-re-use.md).
        const treated = { massMg: collection.massMg, treatment: 'same-country' as const };
        facts.add('PFR', device, where, { massMg: collection.massMg, units: 1 });
        facts.add('TREATED', device, where, { ...treated, units: 1 });
        facts.add('RCV', device, where, { ...treated, units: 0 });
      } else {
        // Resold before it was discarded: a product, not waste. Re-use only, never in WEEE figures.
        facts.add('REUSE', device, where, { massMg: device.measuredMassMg ?? device.productMassMg, units: 1 });
      }
      // Unknown storage counts as data-bearing, as the domain's wipe-before-resale rule does.
      if (device.hasDataStorage !== false) {
        facts.add('DATA_RESALE', device, where, { units: 1 });
        if (device.wipedSinceHandover) facts.add('DATA_RESALE_WIPED', device, where, { units: 1 });
      }
      return {
        ...device,
        position,
        country: event.data.country,
        attributedAt: at,
        ...lifecycle,
        collection: null,
      };
    }
    case 'DeviceRecycled': {
      if (device === null) return null;
      const { collection } = device;
      // The domain only recycles collected devices; a history without its collection has no reporting country.
      if (collection === null) return { ...device, ...lifecycle, position };
      const where = collectionWhere(collection);
      const treatment = treatmentLocation(collection.country, event.data.treatmentCountry, event.occurredAt);
      let recycledMg = 0;
      let energyMg = 0;
      for (const output of event.data.outputs) {
        if (output.fate === 'recycled') recycledMg += kgToMg(output.massKg);
        else if (output.fate === 'energy-recovery') energyMg += kgToMg(output.massKg);
      }
      facts.add('TREATED', device, where, { massMg: kgToMg(event.data.weightKg), units: 1, treatment });
      if (recycledMg + energyMg > 0)
        facts.add('RCV', device, where, { massMg: recycledMg + energyMg, units: 0, treatment });
      if (recycledMg > 0) facts.add('RCY', device, where, { massMg: recycledMg, units: 0, treatment });
      if (energyMg > 0) facts.add('ER', device, where, { massMg: energyMg, units: 0, treatment });
      if (device.yearOfManufacture !== null) {
        facts.add('AGE_AT_RCY', device, where, { units: 1, value: facts.occurredYear - device.yearOfManufacture });
      }
      facts.add('LIVES_AT_RCY', device, where, { units: 1, value: device.lives });
      return { ...device, ...lifecycle, position, collection: null };
    }
    default:
      return device;
  }
}

/**
 * Attribution of the indicator facts (repairs, resales of data-bearing devices): the collection's
 * while the device is in the waste chain, else where and when it was last placed on the market or
 * sold, for its producer.
 */
function whereNow(device: StatisticsDevice): Where {
  if (device.collection !== null) return collectionWhere(device.collection);
  return { country: device.country, market: device.market, onBehalfOf: null, attributedAt: device.attributedAt };
}
