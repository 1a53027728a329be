/**
 * Histories for projection specs, recorded through the one command handler (so every rule holds):
 * a hand-written scenario whose figures the specs check by hand, and a seeded random one that
 * walks many devices through every lifecycle path for the crash and rebuild comparisons.
 *
 * Recording is deterministic when the stores use `scenarioClock()` and the context's event ids:
 * the same script then gives byte-identical logs (hashes included) in SQLite and PostgreSQL.
 */
import {
  deviceIdOf,
  producerStreamId,
  type DeviceCommand,
  type MembershipCommand,
  type ProductDescription,
  type WeeeCategory,
} from '#kierto/domain';
import { PLAUSIBLE_UNIT_WEIGHT_KG } from '#kierto/domain';
import { deviceStreams, handleCommand, producerStreams, type CommandContext } from '#kierto/application';
import type { EventStore } from '#kierto/event-store';
import {
  collectionData,
  fixedRepairData,
  endOfLifeRepairData,
  passingWipeData,
  placementData,
  recyclingData,
  resaleData,
} from '#kierto/testing';

/** Far after every scenario time, so rule 5's "not in the future" never trips. */
export const SCENARIO_NOW = '2030-01-01T00:00:00Z';

/** recordedAt for stores under test: starts in 2026 and moves one second per append. */
export function scenarioClock(): () => Date {
  let now = Date.parse('2026-01-01T00:00:00Z');
  return () => {
    now += 1000;
    return new Date(now);
  };
}

export type ScenarioCommand = DeviceCommand | MembershipCommand;

/** Records commands in order; event ids are a counter, so a script always gives the same ids. */
export class Recorder {
  private counter = 0;

  constructor(private readonly store: EventStore) {}

  async record(command: ScenarioCommand): Promise<void> {
    const context: CommandContext = {
      actor: { organisationId: 'org-test', role: 'operator', keyId: 'key-test' },
      correlationId: `correlation-${this.counter}`,
      causationId: null,
      idempotencyKey: null,
      requestFingerprint: 'scenario',
      expectedRevision: null,
      newEventId: () => {
        this.counter += 1;
        return `00000000-0000-4000-8000-${String(this.counter).padStart(12, '0')}`;
      },
    };
    if (
      'producerId' in command &&
      (command.kind === 'JoinProducerOrganisation' || command.kind === 'LeaveProducerOrganisation')
    ) {
      await handleCommand(this.store, producerStreams, producerStreamId(command.producerId), command, context);
    } else {
      await handleCommand(this.store, deviceStreams, command.deviceId, command, context);
    }
  }

  async recordAll(commands: readonly ScenarioCommand[]): Promise<void> {
    for (const command of commands) await this.record(command);
  }
}

export const join = (producerId: string, organisationId: string, occurredAt: string): MembershipCommand => ({
  kind: 'JoinProducerOrganisation',
  producerId,
  occurredAt,
  now: SCENARIO_NOW,
  data: { organisationId },
});

export const leave = (producerId: string, organisationId: string, occurredAt: string): MembershipCommand => ({
  kind: 'LeaveProducerOrganisation',
  producerId,
  occurredAt,
  now: SCENARIO_NOW,
  data: { organisationId },
});

export function product(
  serialNumber: string,
  category: WeeeCategory,
  weightKg: number,
  overrides: Partial<ProductDescription> = {},
): ProductDescription {
  return {
    manufacturer: 'Kierto Test Oy',
    brand: 'Test',
    model: `Model ${category}`,
    serialNumber,
    weeeCategory: category,
    weightKg,
    yearOfManufacture: 2020,
    hasDataStorage: category === 2 || category === 6,
    materials: [{ name: 'steel', massKg: weightKg / 2, criticalRawMaterial: false, recycledContentPercent: 20 }],
    hazardousSubstances: [],
    repairInformation: {},
    ...overrides,
  };
}

export const idOfProduct = (p: ProductDescription): string =>
  deviceIdOf({ manufacturer: p.manufacturer, serialNumber: p.serialNumber });

/** Command builders for one device. */
export function device(p: ProductDescription) {
  const deviceId = idOfProduct(p);
  const at = (occurredAt: string) => ({ deviceId, occurredAt, now: SCENARIO_NOW });
  return {
    deviceId,
    place: (
      occurredAt: string,
      producerId: string,
      overrides: { country?: string; market?: 'household' | 'non-household' } = {},
    ): DeviceCommand => ({
      kind: 'PlaceDeviceOnMarket',
      ...at(occurredAt),
      data: placementData({ producerId, product: p, ...overrides }),
    }),
    collect: (
      occurredAt: string,
      overrides: {
        country?: string;
        source?: 'household' | 'non-household';
        measuredWeightKg?: number;
        onBehalfOf?: string;
        withProduct?: boolean;
      } = {},
    ): DeviceCommand => {
      const { withProduct, ...rest } = overrides;
      return {
        kind: 'CollectDevice',
        ...at(occurredAt),
        data: collectionData({ ...rest, ...(withProduct === true ? { product: p } : {}) }),
      };
    },
    wipe: (occurredAt: string): DeviceCommand => ({
      kind: 'RecordDataWipe',
      ...at(occurredAt),
      data: passingWipeData(),
    }),
    repair: (occurredAt: string, outcome: 'fixed' | 'end-of-life' = 'fixed'): DeviceCommand => ({
      kind: 'RecordRepair',
      ...at(occurredAt),
      data: outcome === 'fixed' ? fixedRepairData() : endOfLifeRepairData(),
    }),
    resell: (occurredAt: string, country = 'FI'): DeviceCommand => ({
      kind: 'RecordResale',
      ...at(occurredAt),
      data: resaleData({ country }),
    }),
    recycle: (
      occurredAt: string,
      treatmentCountry: string,
      outputs: { recycled: number; energy: number; disposal: number },
    ): DeviceCommand => ({
      kind: 'RecordRecycling',
      ...at(occurredAt),
      data: recyclingData({
        treatmentCountry,
        weightKg: p.weightKg,
        outputs: [
          ...(outputs.recycled > 0
            ? [{ material: 'metals', massKg: outputs.recycled, fate: 'recycled' as const }]
            : []),
          ...(outputs.energy > 0
            ? [{ material: 'plastics', massKg: outputs.energy, fate: 'energy-recovery' as const }]
            : []),
          ...(outputs.disposal > 0
            ? [{ material: 'residue', massKg: outputs.disposal, fate: 'disposal' as const }]
            : []),
        ],
      }),
    }),
  };
}

/** A small deterministic PRNG (mulberry32): the same seed, the same histories. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PRODUCERS = ['producer-a', 'producer-b', 'producer-c'];

/**
 * `devices` devices walked through random but valid lifecycles between 2021 and 2026, plus membership
 * changes of three producers, some recorded long after they took effect. Commands are returned in
 * recording order (time order per stream; streams interleaved).
 */
export function randomHistories(devices: number, seed = 7): ScenarioCommand[] {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const day = 24 * 3600 * 1000;
  const streams: { at: number; command: ScenarioCommand }[] = [];
  for (let index = 0; index < devices; index += 1) {
    const category = pick([1, 2, 3, 4, 5, 6] as const);
    // Capped at the category's plausible unit weight (a lamp never weighs 80 kg); the draw stays, so
    // every later random number, and the log, is what it was before the cap.
    const weight = Math.min(Math.round((0.1 + next() * 80) * 1000) / 1000, PLAUSIBLE_UNIT_WEIGHT_KG[category]);
    const p = product(`R-${seed}-${index}`, category, weight, { yearOfManufacture: 2015 + Math.floor(next() * 8) });
    const d = device(p);
    let at = Date.parse('2021-01-01T00:00:00Z') + Math.floor(next() * 4 * 365) * day;
    const iso = (): string => new Date(at).toISOString();
    const step = (): void => {
      at += Math.floor(1 + next() * 200) * day;
    };
    const push = (command: DeviceCommand): void => {
      streams.push({ at, command });
    };
    let status: 'in-use' | 'collected' = 'in-use';
    let wiped = false;
    let endOfLife = false;
    if (next() < 0.8) push(d.place(iso(), pick(PRODUCERS), { market: next() < 0.7 ? 'household' : 'non-household' }));
    else {
      push(d.collect(iso(), { withProduct: true, onBehalfOf: next() < 0.5 ? 'org-serty' : undefined }));
      status = 'collected';
    }
    for (let steps = Math.floor(next() * 6); steps > 0; steps -= 1) {
      step();
      const roll = next();
      if (roll < 0.25) {
        push(d.wipe(iso()));
        wiped = true;
      } else if (roll < 0.4) {
        const outcome = next() < 0.7 ? 'fixed' : 'end-of-life';
        push(d.repair(iso(), outcome));
        endOfLife = outcome === 'end-of-life';
      } else if (roll < 0.6 && status === 'in-use') {
        push(
          d.collect(iso(), {
            measuredWeightKg: next() < 0.5 ? weight : undefined,
            onBehalfOf: next() < 0.2 ? 'org-elker' : undefined,
            source: next() < 0.8 ? 'household' : 'non-household',
          }),
        );
        status = 'collected';
        wiped = false;
      } else if (roll < 0.8 && (wiped || !p.hasDataStorage) && !endOfLife) {
        push(d.resell(iso(), next() < 0.8 ? 'FI' : 'SE'));
        status = 'in-use';
        wiped = false;
      } else if (status === 'collected') {
        const recycled = Math.round(weight * 0.6 * 1000) / 1000;
        const energy = Math.round(weight * 0.2 * 1000) / 1000;
        push(d.recycle(iso(), pick(['FI', 'FI', 'EE', 'NO']), { recycled, energy, disposal: 0 }));
        break;
      }
    }
  }
  // Time order across streams keeps every stream in its own order (a stable sort).
  const ordered = streams.sort((a, b) => a.at - b.at).map((entry) => entry.command);
  const memberships: ScenarioCommand[] = [
    join('producer-a', 'org-elker', '2020-01-01T00:00:00Z'),
    join('producer-b', 'org-serty', '2021-06-01T00:00:00Z'),
    leave('producer-b', 'org-serty', '2023-03-15T00:00:00Z'),
    join('producer-b', 'org-elker', '2023-03-15T00:00:00Z'),
  ];
  // Recorded early, half-way and at the end: attribution must not depend on when a change is recorded.
  const half = Math.floor(ordered.length / 2);
  return [
    ...memberships.slice(0, 1),
    ...ordered.slice(0, half),
    ...memberships.slice(1, 3),
    ...ordered.slice(half),
    ...memberships.slice(3),
    join('producer-c', 'org-serty', '2019-01-01T00:00:00Z'),
  ];
}
