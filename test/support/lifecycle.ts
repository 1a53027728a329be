import { expect } from '@jest/globals';
import type { Client } from './test-app.js';
import { deviceIdOf, identifierOfProduct } from '#kierto/domain';

/**
 * A small client for driving devices through their lives over the real HTTP API in tests: every
 * call asserts the command was accepted (201) and returns the device id and the global position
 * of its last event (what `?minPosition=` takes).
 */
export interface Recorded {
  readonly id: string;
  readonly position: number;
  readonly recordedAt: string;
}

export type Body = Record<string, unknown>;

export interface ProductOptions {
  readonly serialNumber: string;
  readonly weeeCategory: number;
  readonly weightKg: number;
  readonly manufacturer?: string;
  readonly gtin?: string;
  readonly hasDataStorage?: boolean;
  readonly yearOfManufacture?: number;
}

/** A product description without materials, so any weight is valid; identified by manufacturer + serial. */
export function productOf(options: ProductOptions): Body {
  return {
    manufacturer: options.manufacturer ?? 'Kierto Acceptance Oy',
    brand: 'Acceptance',
    model: `Category ${options.weeeCategory} unit`,
    ...(options.gtin === undefined ? {} : { gtin: options.gtin }),
    serialNumber: options.serialNumber,
    weeeCategory: options.weeeCategory,
    weightKg: options.weightKg,
    yearOfManufacture: options.yearOfManufacture ?? 2014,
    hasDataStorage: options.hasDataStorage ?? false,
    materials: [],
    hazardousSubstances: [],
    repairInformation: {},
  };
}

export const passingWipe = (occurredAt: string): Body => ({
  occurredAt,
  standard: 'NIST SP 800-88',
  method: 'purge',
  tool: { name: 'nwipe', version: '0.37' },
  media: [{ type: 'ssd', serialNumber: 'SSD-1', capacityGb: 256, result: 'passed' }],
  verification: { method: 'full', verified: true },
  result: 'passed',
  certificateId: `WIPE-${occurredAt}`,
});

export const resale = (occurredAt: string, country = 'FI'): Body => ({
  occurredAt,
  channel: 'shop',
  buyerType: 'consumer',
  country,
  price: { amount: 100, currency: 'EUR' },
  warrantyMonths: 6,
});

/** The device id a product registers under (identity.ts). */
export function idOf(product: Body): string {
  return deviceIdOf(identifierOfProduct(product));
}

export class Lifecycle {
  constructor(private readonly api: Client) {}

  place(
    occurredAt: string,
    producerId: string,
    country: string,
    product: Body,
    market = 'household',
  ): Promise<Recorded> {
    return this.post('/devices', { occurredAt, producerId, country, market, product });
  }

  collect(id: string, occurredAt: string, country: string, extra: Body = {}): Promise<Recorded> {
    return this.post(`/devices/${id}/collections`, {
      occurredAt,
      collectionPointId: 'acceptance-point-1',
      channel: 'municipal',
      source: 'household',
      country,
      condition: 'unknown',
      ...extra,
    });
  }

  /** A device new to Kierto, its history started by the collection. */
  collectNew(product: Body, occurredAt: string, country: string, extra: Body = {}): Promise<Recorded> {
    return this.collect(idOf(product), occurredAt, country, { ...extra, product });
  }

  wipe(id: string, occurredAt: string): Promise<Recorded> {
    return this.post(`/devices/${id}/data-wipes`, passingWipe(occurredAt));
  }

  repair(id: string, occurredAt: string, outcome: 'fixed' | 'repairable' | 'end-of-life'): Promise<Recorded> {
    return this.post(`/devices/${id}/repairs`, {
      occurredAt,
      problem: 'Does not start',
      actions: ['Diagnosed'],
      partsReplaced: [],
      outcome,
      ...(outcome === 'end-of-life' ? { barrier: 'spare-parts-not-available' } : {}),
      labourMinutes: 30,
    });
  }

  resell(id: string, occurredAt: string, country = 'FI'): Promise<Recorded> {
    return this.post(`/devices/${id}/resales`, resale(occurredAt, country));
  }

  recycle(
    id: string,
    occurredAt: string,
    treatmentCountry: string,
    weightKg: number,
    outputs: readonly Body[],
  ): Promise<Recorded> {
    return this.post(`/devices/${id}/recycling`, {
      occurredAt,
      facilityId: 'acceptance-recycler',
      treatmentCountry,
      weightKg,
      outputs,
    });
  }

  join(producerId: string, organisationId: string, occurredAt: string): Promise<Recorded> {
    return this.post(`/producers/${producerId}/memberships`, { organisationId, occurredAt });
  }

  leave(producerId: string, organisationId: string, occurredAt: string): Promise<Recorded> {
    return this.post(`/producers/${producerId}/departures`, { organisationId, occurredAt });
  }

  private async post(path: string, body: Body): Promise<Recorded> {
    const response = await this.api.post(path).send(body);
    expect({ path, status: response.status, error: response.body.error }).toEqual({
      path,
      status: 201,
      error: undefined,
    });
    const events = response.body.events as { globalPosition: number; recordedAt: string }[];
    const last = events.at(-1);
    if (last === undefined) throw new Error(`${path} appended no event`);
    return {
      id: String(response.body.deviceId ?? response.body.producerId),
      position: last.globalPosition,
      recordedAt: last.recordedAt,
    };
  }
}
