import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DomainEventDataByType } from '#kierto/domain';
import type {
  BulkWeeeCollectedData,
  DeviceCollectedData,
  DeviceDataWipedData,
  DeviceHandedOverData,
  DevicePlacedOnMarketData,
  DeviceRecycledData,
  DeviceRepairedData,
  DeviceResoldData,
  LotOpenedData,
  ProductDescription,
} from '#kierto/domain';
import { COUNTRY_CODE_PATTERN, REQUEST_COUNTRY_CODE_PATTERN, SCHEMA_DIALECT } from './common.js';
import { documentSchemas } from './documents.js';
import { deviceCollectedSchema, eventDataSchemas } from './events.js';
import { GENERATED_DIRS, schemaFiles } from './files.js';
import {
  REQUEST_EVENT_TYPES,
  REQUEST_NAMES,
  requestSchemas,
  type RequestBodyByName,
  type RequestName,
} from './requests.js';
import {
  createSchemaValidator,
  fieldPath,
  validateDocument,
  validateEventData,
  validateRequest,
  type ValidationIssue,
  type ValidationResult,
} from './validator.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSC = join(ROOT, 'node_modules', '.bin', 'tsc');
const TSC_TIMEOUT_MS = 60_000;

interface TscRun {
  readonly exitCode: number;
  readonly output: string;
}

function runTsc(args: readonly string[]): Promise<TscRun> {
  return new Promise((resolve) => {
    execFile(TSC, [...args, '--pretty', 'false'], { cwd: ROOT, timeout: TSC_TIMEOUT_MS }, (error, stdout, stderr) => {
      const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ exitCode, output: `${stdout}${stderr}` });
    });
  });
}

interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly message: string;
}

function diagnostics(output: string): Diagnostic[] {
  const found: Diagnostic[] = [];
  for (const line of output.split('\n')) {
    const match = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
    if (match !== null) {
      // tsc prints paths relative to its working directory.
      found.push({
        file: resolve(ROOT, match[1] ?? ''),
        line: Number(match[2]),
        code: match[3] ?? '',
        message: match[4] ?? '',
      });
    }
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Fixtures: typed as the domain types, so the repo-wide typecheck also keeps them in step.

const product: ProductDescription = {
  manufacturer: 'Acme Oy',
  brand: 'Acme',
  model: 'Laptop 14',
  gtin: '06430000000019',
  serialNumber: 'SN-0001',
  weeeCategory: 6,
  weightKg: 1.4,
  yearOfManufacture: 2021,
  hasDataStorage: true,
  materials: [
    { name: 'aluminium', massKg: 0.5, criticalRawMaterial: false, recycledContentPercent: 30 },
    { name: 'cobalt', massKg: 0.02, criticalRawMaterial: true, recycledContentPercent: 0 },
  ],
  hazardousSubstances: [{ name: 'lithium-ion battery electrolyte', casNumber: '21324-40-3', location: 'battery' }],
  repairInformation: {
    repairManualUrl: 'https://acme.example/manuals/laptop-14',
    sparePartsAvailableUntil: '2031-12-31',
    repairabilityClass: 'B',
  },
  carbonFootprintKgCo2e: 250,
  warrantyMonths: 24,
};

const placed: DevicePlacedOnMarketData = { producerId: 'org-acme', country: 'FI', market: 'household', product };
const collected: DeviceCollectedData = {
  collectionPointId: 'cp-helsinki-1',
  channel: 'municipal',
  source: 'household',
  country: 'FI',
  measuredWeightKg: 1.5,
  condition: 'repairable',
  onBehalfOf: 'org-serty',
};
const wiped: DeviceDataWipedData = {
  standard: 'NIST SP 800-88',
  method: 'purge',
  technique: 'crypto-erase',
  tool: { name: 'WipeTool', version: '5.2.1' },
  media: [{ type: 'nvme', serialNumber: 'NV-123', capacityGb: 512, result: 'passed' }],
  verification: { method: 'full', verified: true },
  result: 'passed',
  certificateId: 'cert-42',
};
const repaired: DeviceRepairedData = {
  problem: 'Does not charge',
  actions: ['replaced charging port'],
  partsReplaced: [{ name: 'USB-C port', partNumber: 'P-77', condition: 'new' }],
  outcome: 'fixed',
  labourMinutes: 45,
  cost: { amount: 59.9, currency: 'EUR' },
};
const endOfLife: DeviceRepairedData = {
  problem: 'Mainboard dead',
  actions: [],
  partsReplaced: [],
  outcome: 'end-of-life',
  barrier: 'spare-parts-not-available',
  labourMinutes: 0,
};
const resold: DeviceResoldData = {
  channel: 'online',
  buyerType: 'consumer',
  country: 'SE',
  price: { amount: 0, currency: 'SEK' },
  warrantyMonths: 0,
};
const recycled: DeviceRecycledData = {
  facilityId: 'fac-1',
  treatmentCountry: 'EE',
  weightKg: 1.4,
  outputs: [
    { material: 'aluminium', massKg: 0.45, fate: 'recycled' },
    { material: 'mixed plastics', massKg: 0.3, fate: 'energy-recovery' },
  ],
};

const handedOver: DeviceHandedOverData = {
  lotId: 'PAL-2026-0042',
  handoverId: 'DN-2026-42',
  fromOrganisationId: 'org-city',
  toOrganisationId: 'org-centre',
};
const lotOpened: LotOpenedData = {
  lotId: 'PAL-2026-0042',
  organisationId: 'org-city',
  kind: 'pallet',
  label: 'Laptops',
};
const bulkCollected: BulkWeeeCollectedData = {
  lotId: 'CAGE-7',
  organisationId: 'org-point',
  kind: 'cage',
  weeeCategory: 5,
  massKg: 412.5,
  collectionPointId: 'point-7',
  channel: 'municipal',
  source: 'household',
  country: 'FI',
  onBehalfOf: 'org-serty',
  weighbridgeTicket: 'WB-1',
};

const validEventData: { readonly [T in keyof DomainEventDataByType]: readonly DomainEventDataByType[T][] } = {
  DevicePlacedOnMarket: [
    placed,
    {
      ...placed,
      product: { ...product, gtin: undefined, materials: [], hazardousSubstances: [], repairInformation: {} },
    },
  ],
  DeviceCollected: [collected, { ...collected, measuredWeightKg: undefined, onBehalfOf: undefined, product }],
  DeviceDataWiped: [wiped, { ...wiped, technique: undefined, result: 'failed' }],
  DeviceRepaired: [repaired, endOfLife],
  DeviceResold: [resold],
  DeviceRecycled: [recycled],
  ProducerJoinedOrganisation: [{ organisationId: 'org-serty' }],
  ProducerLeftOrganisation: [{ organisationId: 'org-serty' }],
  DeviceHandedOver: [handedOver],
  LotOpened: [lotOpened, { ...lotOpened, label: undefined, kind: 'cage' }],
  BulkWeeeCollected: [bulkCollected, { ...bulkCollected, onBehalfOf: undefined, weighbridgeTicket: undefined }],
  DevicesAddedToLot: [{ deviceIds: ['mfr:lenovo:PF-1', 'gtin:05901234123457:SN-1'] }],
  LotHandoverOffered: [{ handoverId: 'DN-2026-42', toOrganisationId: 'org-centre', note: 'Pallet 1 of 2' }],
  LotHandoverAccepted: [{ handoverId: 'DN-2026-42', receivedMassKg: 64.2, weighbridgeTicket: 'WB-77' }],
  LotHandoverRejected: [{ handoverId: 'DN-2026-42', reason: 'Pallet arrived broken open' }],
};

const occurredAt = '2025-03-01T10:00:00Z';
const validRequests: { readonly [N in RequestName]: RequestBodyByName[N] } = {
  PlaceDeviceOnMarket: { occurredAt, ...placed },
  CollectDevice: { occurredAt: '2025-03-01T12:00:00.123+02:00', ...collected },
  RecordDataWipe: { occurredAt, ...wiped },
  RecordRepair: { occurredAt, ...endOfLife },
  RecordResale: { occurredAt, ...resold },
  RecordRecycling: { occurredAt, ...recycled },
  JoinProducerOrganisation: { occurredAt, organisationId: 'org-serty' },
  LeaveProducerOrganisation: { occurredAt, organisationId: 'org-serty' },
  RecordHandover: { occurredAt, ...handedOver },
  OpenLot: { occurredAt, ...lotOpened },
  CollectBulkWeee: { occurredAt, ...bulkCollected },
  AddDevicesToLot: { occurredAt, deviceIds: ['mfr:lenovo:PF-1'] },
  OfferLotHandover: { occurredAt, handoverId: 'DN-2026-42', toOrganisationId: 'org-centre' },
  AcceptLotHandover: { occurredAt, handoverId: 'DN-2026-42', receivedMassKg: 64.2 },
  RejectLotHandover: { occurredAt, handoverId: 'DN-2026-42', reason: 'Not ours' },
};

/** JSON round trip: drops `undefined` properties exactly as an HTTP body would. */
const json = <T>(value: T): unknown => JSON.parse(JSON.stringify(value)) as unknown;

function issuesOf<T>(result: ValidationResult<T>): readonly ValidationIssue[] {
  if (result.ok) throw new Error('expected validation to fail');
  return result.errors;
}

// ---------------------------------------------------------------------------------------------

describe('schema drift check (compile time)', () => {
  let tempDir = '';
  let driftRun: TscRun;
  let variantsRun: TscRun;
  const variantFiles = new Map<string, { readonly description: string; readonly expectError: boolean }>();

  beforeAll(async () => {
    tempDir = mkdtempSync(join(tmpdir(), 'kierto-schema-drift-'));
    const helper = join(ROOT, 'libs/schemas/src/drift-helpers.js');
    const domainEvents = join(ROOT, 'libs/domain/src/events.js');
    const requests = join(ROOT, 'libs/schemas/src/requests.js');
    const RESALE_BODY = "RequestBodyByName['RecordResale']";
    const header = [
      `import type { Assert, FromSchema, SchemaMatches } from ${JSON.stringify(helper)};`,
      `import type * as Domain from ${JSON.stringify(domainEvents)};`,
      `import type { RequestBodyByName } from ${JSON.stringify(requests)};`,
    ].join('\n');
    const write = (name: string, description: string, schema: unknown, type: string, expectError: boolean): void => {
      const source = [
        header,
        `const schema = ${JSON.stringify(schema)} as const;`,
        `export type Check = Assert<SchemaMatches<FromSchema<typeof schema>, ${type}>>;`,
        '',
      ].join('\n');
      const file = join(tempDir, `${name}.ts`);
      writeFileSync(file, source);
      variantFiles.set(file, { description, expectError });
    };
    // A deep, mutable copy to drift from; the shape named at each call is what that call edits.
    const clone = <T>(value: unknown): T => structuredClone(value) as T;

    // Controls: unmodified copies must compile, so that the failures below come from the drift and
    // not from the setup (paths, options).
    write(
      'control-event',
      'unchanged event schema',
      eventDataSchemas.DeviceDataWiped,
      'Domain.DeviceDataWipedData',
      false,
    );
    // RecordResale, not RecordRepair: a repair may carry a product (ADR 0019), whose unuKey enum is
    // built from UNU_KEYS (typed string[]); printed into the copy it becomes a literal union, which the
    // domain's `unuKey?: string` is not. That is the copy's difference, not drift.
    write('control-request', 'unchanged request schema', requestSchemas.RecordResale, RESALE_BODY, false);

    const resoldEnum = clone<{ properties: { buyerType: { enum: string[] } } }>(eventDataSchemas.DeviceResold);
    resoldEnum.properties.buyerType.enum = resoldEnum.properties.buyerType.enum.filter((value) => value !== 'reseller');
    write('enum-value-removed', 'schema enum lost a value', resoldEnum, 'Domain.DeviceResoldData', true);

    const recycledOptional = clone<{ required: string[] }>(eventDataSchemas.DeviceRecycled);
    recycledOptional.required = recycledOptional.required.filter((name) => name !== 'weightKg');
    write(
      'required-made-optional',
      'a required field made optional',
      recycledOptional,
      'Domain.DeviceRecycledData',
      true,
    );

    const collectedRenamed = clone<{ required: string[]; properties: Record<string, unknown> }>(deviceCollectedSchema);
    const { collectionPointId, ...otherProperties } = collectedRenamed.properties;
    collectedRenamed.properties = { collectionPoint: collectionPointId, ...otherProperties };
    collectedRenamed.required = collectedRenamed.required.map((name) =>
      name === 'collectionPointId' ? 'collectionPoint' : name,
    );
    write('field-renamed', 'schema renamed a field', collectedRenamed, 'Domain.DeviceCollectedData', true);

    type MaterialsItems = { items: { properties: Record<string, unknown> } };
    const nestedAdded = clone<{ properties: { product: { properties: { materials: MaterialsItems } } } }>(
      eventDataSchemas.DevicePlacedOnMarket,
    );
    nestedAdded.properties.product.properties.materials.items.properties['grade'] = { type: 'string' };
    write(
      'nested-field-added',
      'an optional field added deep inside',
      nestedAdded,
      'Domain.DevicePlacedOnMarketData',
      true,
    );

    write(
      'type-enum-widened',
      'the TypeScript type gained an enum value',
      eventDataSchemas.DeviceRepaired,
      "Omit<Domain.DeviceRepairedData, 'barrier'> & { readonly barrier?: Domain.RepairBarrier | 'other' }",
      true,
    );

    const requestWithoutTime = clone<{ required: string[]; properties: Record<string, unknown> }>(
      requestSchemas.RecordResale,
    );
    requestWithoutTime.required = requestWithoutTime.required.filter((name) => name !== 'occurredAt');
    delete requestWithoutTime.properties['occurredAt'];
    write('request-lost-occurredAt', 'request schema lost occurredAt', requestWithoutTime, RESALE_BODY, true);

    // Not extending tsconfig.drift.json: its rootDir and `types` are relative to the repository. The
    // options that change how types compare (strict, exactOptionalPropertyTypes) are the same.
    writeFileSync(
      join(tempDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2023',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          exactOptionalPropertyTypes: false,
          noUncheckedIndexedAccess: true,
          skipLibCheck: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        files: [...variantFiles.keys()],
      }),
    );

    // Both compilations at once: they are independent, and the machine has two cores.
    [driftRun, variantsRun] = await Promise.all([
      runTsc(['--noEmit', '-p', 'libs/schemas/tsconfig.drift.json']),
      runTsc(['-p', join(tempDir, 'tsconfig.json')]),
    ]);
  }, 2 * TSC_TIMEOUT_MS);

  afterAll(() => {
    if (tempDir !== '') rmSync(tempDir, { recursive: true, force: true });
  });

  it('passes for the committed schemas and domain types', () => {
    expect(driftRun.output).toBe('');
    expect(driftRun.exitCode).toBe(0);
  });

  it('fails for each deliberately drifted variant, and only for those', () => {
    const found = diagnostics(variantsRun.output);
    // Every diagnostic belongs to a variant file; anything else means the setup broke.
    expect(found.filter((diagnostic) => !variantFiles.has(diagnostic.file))).toEqual([]);
    for (const [file, { description, expectError }] of variantFiles) {
      const errors = found.filter((diagnostic) => diagnostic.file === file);
      const summary = { variant: description, codes: errors.map((error) => error.code) };
      // The assertion on the last line fails with "Type 'false' does not satisfy the constraint 'true'".
      expect(summary).toEqual({ variant: description, codes: expectError ? ['TS2344'] : [] });
    }
    expect(variantsRun.exitCode).not.toBe(0);
  });
});

describe('written schema files', () => {
  const files = schemaFiles();

  it('are up to date with the TypeScript constants (run `npm run schemas:write`)', () => {
    for (const file of files) {
      const path = join(ROOT, file.path);
      expect({ path: file.path, exists: existsSync(path) }).toEqual({ path: file.path, exists: true });
      const text = readFileSync(path, 'utf8');
      expect(JSON.parse(text)).toEqual(file.schema);
      expect(text).toBe(file.content);
    }
  });

  it('contain no stale files', () => {
    const present = GENERATED_DIRS.flatMap((dir) =>
      readdirSync(join(ROOT, dir)).map((name) => `${dir}/${name}`),
    ).sort();
    expect(present).toEqual(files.map((file) => file.path).sort());
  });

  it('come with a README', () => {
    expect(existsSync(join(ROOT, 'schemas/README.md'))).toBe(true);
  });
});

describe('schema conventions', () => {
  const all = [
    ...Object.entries(eventDataSchemas).map(([name, schema]) => ({ kind: 'event', name, schema })),
    ...Object.entries(requestSchemas).map(([name, schema]) => ({ kind: 'request', name, schema })),
  ];

  it.each(all)('$kind $name has dialect, id, title and description', ({ kind, name, schema }) => {
    expect(schema.$schema).toBe(SCHEMA_DIALECT);
    expect(schema.$id).toBe(`urn:kierto:schema:v1:${kind}:${name}`);
    expect(schema.title).toBe(name);
    expect(schema.description.length).toBeGreaterThan(10);
  });

  /** Walks every subschema and lists violations of the house rules: closed objects, bounded strings and arrays. */
  function violations(node: unknown, path: string): string[] {
    if (typeof node !== 'object' || node === null) return [];
    const schema = node as Record<string, unknown>;
    const found: string[] = [];
    if (schema['type'] === 'object') {
      if (schema['additionalProperties'] !== false) found.push(`${path}: object not closed`);
      const properties = (schema['properties'] ?? {}) as Record<string, unknown>;
      for (const name of (schema['required'] ?? []) as string[]) {
        if (!(name in properties)) found.push(`${path}: required ${name} is not a property`);
      }
    }
    if (schema['type'] === 'string') {
      const bounded = 'maxLength' in schema || 'enum' in schema || 'const' in schema || 'pattern' in schema;
      if (!bounded) found.push(`${path}: unbounded string`);
    }
    if (schema['type'] === 'array' && !('maxItems' in schema)) found.push(`${path}: unbounded array`);
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'enum' || key === 'const' || key === 'required') continue;
      found.push(...violations(value, `${path}/${key}`));
    }
    return found;
  }

  it.each(all)('$kind $name: objects closed, strings and arrays bounded', ({ schema }) => {
    expect(violations(schema, '#')).toEqual([]);
  });

  it('maps every request to the event it records, and requests extend that event data with occurredAt', () => {
    expect(REQUEST_NAMES).toEqual(Object.keys(requestSchemas));
    for (const name of REQUEST_NAMES) {
      const request = requestSchemas[name];
      const event = eventDataSchemas[REQUEST_EVENT_TYPES[name]];
      expect(request.required).toEqual(['occurredAt', ...event.required]);
      // A request's country also takes Eurostat's EL and UK (recorded as GR and GB); otherwise the same property.
      const asInEvent = Object.fromEntries(
        Object.entries(request.properties).map(([key, property]) => [
          key,
          'pattern' in property && property.pattern === REQUEST_COUNTRY_CODE_PATTERN
            ? { ...property, pattern: COUNTRY_CODE_PATTERN }
            : property,
        ]),
      );
      expect(Object.keys(asInEvent)).toEqual(['occurredAt', ...Object.keys(event.properties)]);
      for (const [key, property] of Object.entries(event.properties)) {
        expect({ key, pattern: (asInEvent[key] as { pattern?: string }).pattern }).toEqual({
          key,
          pattern: (property as { pattern?: string }).pattern,
        });
      }
      expect(
        Object.keys(asInEvent).filter(
          (key) =>
            key !== 'occurredAt' &&
            asInEvent[key] !== (event.properties as Record<string, unknown>)[key] &&
            !/[cC]ountry$/.test(key),
        ),
      ).toEqual([]);
    }
  });
});

describe('document schema conventions', () => {
  const documents = Object.entries(documentSchemas).map(([name, schema]) => ({ name, schema }));

  it.each(documents)('document $name has dialect, id, title and description', ({ name, schema }) => {
    expect(schema.$schema).toBe(SCHEMA_DIALECT);
    expect(schema.$id).toBe(`urn:kierto:schema:v1:document:${name}`);
    expect(schema.title).toBe(name);
    expect(schema.description.length).toBeGreaterThan(10);
  });

  /** Outputs are closed (a consumer learns of every field) and every property is required (absent is null). */
  function violations(node: unknown, path: string): string[] {
    if (typeof node !== 'object' || node === null) return [];
    const schema = node as Record<string, unknown>;
    const found: string[] = [];
    const types = ([] as unknown[]).concat(schema['type'] ?? []);
    if (types.includes('object')) {
      if (schema['additionalProperties'] !== false) found.push(`${path}: object not closed`);
      const properties = Object.keys(schema['properties'] ?? {}).sort();
      const required = [...((schema['required'] ?? []) as string[])].sort();
      if (JSON.stringify(properties) !== JSON.stringify(required)) found.push(`${path}: optional properties`);
    }
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'enum' || key === 'required') continue;
      found.push(...violations(value, `${path}/${key}`));
    }
    return found;
  }

  it.each(documents)('document $name: objects closed, every property required', ({ schema }) => {
    expect(violations(schema, '#')).toEqual([]);
  });

  it('validates documents with a separate validator that accepts nullable types, and reports paths', () => {
    const status = {
      head: 3,
      projections: [],
      quarantine: [],
      projector: { runsHere: true, leadership: 'sole', state: 'following', lastError: null },
    };
    expect(validateDocument('ProjectionStatus', status)).toEqual({ ok: true, value: status });
    const result = validateDocument('ProjectionStatus', {
      ...status,
      projector: { ...status.projector, state: 'asleep' },
    });
    expect(issuesOf(result)).toEqual([expect.objectContaining({ field: 'projector.state', code: 'INVALID_VALUE' })]);
  });
});

describe('validator', () => {
  const validator = createSchemaValidator();

  it.each(Object.entries(validEventData))('accepts valid %s data', (type, fixtures) => {
    for (const fixture of fixtures) {
      const result = validator.validateEventData(type as keyof DomainEventDataByType, json(fixture));
      expect(result.ok ? [] : result.errors).toEqual([]);
    }
  });

  it.each(Object.entries(validRequests))('accepts a valid %s body', (name, body) => {
    const result = validator.validateRequest(name as RequestName, json(body));
    expect(result).toEqual({ ok: true, value: json(body) });
  });

  it('reports a missing field with its path', () => {
    const { weightKg: _dropped, ...productWithoutWeight } = product;
    const result = validator.validateRequest('PlaceDeviceOnMarket', {
      occurredAt,
      ...placed,
      product: productWithoutWeight,
    });
    expect(issuesOf(result)).toEqual([
      { field: 'product.weightKg', code: 'REQUIRED', message: 'product.weightKg is required' },
    ]);
  });

  it('reports a missing occurredAt on a request', () => {
    expect(issuesOf(validator.validateRequest('RecordResale', json(resold)))).toEqual([
      { field: 'occurredAt', code: 'REQUIRED', message: 'occurredAt is required' },
    ]);
  });

  it('names an unknown field, also deep inside arrays', () => {
    const body = {
      occurredAt,
      ...placed,
      actor: 'someone',
      product: { ...product, materials: [product.materials[0], { ...product.materials[1], grade: 'A' }] },
    };
    expect(issuesOf(validator.validateRequest('PlaceDeviceOnMarket', body))).toEqual([
      { field: 'actor', code: 'UNKNOWN_FIELD', message: 'actor is not a known field' },
      {
        field: 'product.materials[1].grade',
        code: 'UNKNOWN_FIELD',
        message: 'product.materials[1].grade is not a known field',
      },
    ]);
  });

  it('rejects a value outside an enum', () => {
    const issues = issuesOf(
      validator.validateRequest('CollectDevice', { occurredAt, ...collected, channel: 'dumpster' }),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field: 'channel', code: 'INVALID_VALUE' });
    expect(issues[0]?.message).toContain('"retailer-take-back"');
  });

  it('rejects negative and zero weights', () => {
    const body = {
      occurredAt,
      ...placed,
      product: { ...product, weightKg: -1, materials: [{ ...product.materials[0], massKg: 0 }] },
    };
    expect(issuesOf(validator.validateRequest('PlaceDeviceOnMarket', body))).toEqual([
      { field: 'product.weightKg', code: 'OUT_OF_RANGE', message: 'product.weightKg must be > 0' },
      {
        field: 'product.materials[0].massKg',
        code: 'OUT_OF_RANGE',
        message: 'product.materials[0].massKg must be > 0',
      },
    ]);
    const outputs = [{ material: 'x', massKg: -0.1, fate: 'recycled' }];
    expect(issuesOf(validator.validateEventData('DeviceRecycled', { ...recycled, outputs }))).toEqual([
      { field: 'outputs[0].massKg', code: 'OUT_OF_RANGE', message: 'outputs[0].massKg must be > 0' },
    ]);
  });

  it('rejects a GTIN that is not 8, 12, 13 or 14 digits', () => {
    for (const gtin of ['1234567', '12345678901', '0643000000001X', '064300000000190']) {
      const issues = issuesOf(
        validator.validateEventData('DevicePlacedOnMarket', { ...placed, product: { ...product, gtin } }),
      );
      expect(issues).toEqual([expect.objectContaining({ field: 'product.gtin', code: 'INVALID_VALUE' })]);
    }
  });

  it('rejects a date-time without a time zone, or not RFC 3339, once', () => {
    const bads = [
      '2025-03-01T10:00:00',
      '2025-03-01',
      'yesterday',
      '2025-02-30T10:00:00Z',
      '2025-03-01 10:00:00Z',
      '2025-03-01T10:00Z',
    ];
    for (const bad of bads) {
      expect({
        bad,
        issues: issuesOf(validator.validateRequest('RecordResale', { occurredAt: bad, ...resold })),
      }).toEqual({
        bad,
        issues: [expect.objectContaining({ field: 'occurredAt', code: 'INVALID_FORMAT' })],
      });
    }
  });

  it('rejects wrong types, bad codes, out-of-range numbers and oversized values', () => {
    const body = {
      occurredAt,
      ...placed,
      country: 'fi',
      product: {
        ...product,
        serialNumber: 'x'.repeat(65),
        weeeCategory: 7,
        yearOfManufacture: 2020.5,
        hasDataStorage: 'yes',
        materials: Array.from({ length: 101 }, () => product.materials[0]),
        repairInformation: { repairManualUrl: 'javascript:alert(1)' },
      },
    };
    const issues = issuesOf(validator.validateRequest('PlaceDeviceOnMarket', body)).map(({ field, code }) => ({
      field,
      code,
    }));
    expect(issues).toEqual(
      expect.arrayContaining([
        { field: 'country', code: 'INVALID_VALUE' },
        { field: 'product.serialNumber', code: 'TOO_LONG' },
        { field: 'product.weeeCategory', code: 'INVALID_VALUE' },
        { field: 'product.yearOfManufacture', code: 'INVALID_TYPE' },
        { field: 'product.hasDataStorage', code: 'INVALID_TYPE' },
        { field: 'product.materials', code: 'TOO_MANY' },
        { field: 'product.repairInformation.repairManualUrl', code: 'INVALID_FORMAT' },
      ]),
    );
    expect(issues).toHaveLength(7);
    const price = { amount: -1, currency: 'EUR' };
    expect(issuesOf(validator.validateRequest('RecordResale', { occurredAt, ...resold, price }))).toEqual([
      { field: 'price.amount', code: 'OUT_OF_RANGE', message: 'price.amount must be >= 0' },
    ]);
    expect(issuesOf(validator.validateEventData('DeviceDataWiped', { ...wiped, media: [] }))).toEqual([
      { field: 'media', code: 'TOO_FEW', message: 'media must have at least 1 items' },
    ]);
    expect(issuesOf(validator.validateEventData('DeviceRepaired', { ...repaired, problem: '' }))).toEqual([
      { field: 'problem', code: 'TOO_SHORT', message: 'problem must have at least 1 characters' },
    ]);
  });

  it('requires a barrier exactly when the repair outcome is end-of-life', () => {
    const { barrier: _barrier, ...withoutBarrier } = endOfLife;
    expect(issuesOf(validator.validateEventData('DeviceRepaired', withoutBarrier))).toEqual([
      { field: 'barrier', code: 'REQUIRED', message: 'barrier is required' },
    ]);
    const fixedWithBarrier = { occurredAt, ...repaired, barrier: 'lack-of-equipment' };
    expect(issuesOf(validator.validateRequest('RecordRepair', fixedWithBarrier))).toEqual([
      { field: 'barrier', code: 'NOT_ALLOWED', message: 'barrier is not allowed here' },
    ]);
  });

  it('turns JSON pointers into readable paths, telling array indexes from object keys', () => {
    const value = { list: [{ '0': { 'a/b': 1, 'x~y': 2 } }] };
    expect(fieldPath('/list/0/0/a~1b', value)).toBe('list[0]["0"]["a/b"]');
    expect(fieldPath('/list/0/0/x~0y', value)).toBe('list[0]["0"]["x~y"]');
    expect(fieldPath('', value)).toBe('');
  });

  it('is also available as process-wide functions', () => {
    expect(validateRequest('RecordResale', json(validRequests.RecordResale)).ok).toBe(true);
    expect(validateEventData('DeviceResold', { ...resold, country: 'Finland' }).ok).toBe(false);
  });

  it('rejects a body that is not an object, and names that have no schema', () => {
    expect(issuesOf(validator.validateRequest('RecordResale', []))).toEqual([
      { field: '', code: 'INVALID_TYPE', message: 'must be an object' },
    ]);
    expect(issuesOf(validator.validateRequest('constructor' as RequestName, {}))).toEqual([
      { field: '', code: 'INVALID', message: 'No schema has this name' },
    ]);
  });
});
