import { describe, expect, it } from '@jest/globals';
import type { Organisation } from './access-store.js';
import { mayImport, mayRecord, scopeStatisticsFilters, type CommandToAuthorise } from './data-rules.js';
import type { Role } from './roles.js';
import { readScope } from './scoping.js';

const organisation = (id: string, ...roles: Role[]): Organisation => ({
  id,
  name: id,
  roles,
  createdAt: '2026-01-01T00:00:00Z',
});

const placement = (producerId: string): CommandToAuthorise =>
  ({ kind: 'PlaceDeviceOnMarket', data: { producerId } }) as unknown as CommandToAuthorise;
const collection = { kind: 'CollectDevice', data: {} } as unknown as CommandToAuthorise;

/** Membership lookups that fail the test when a rule asks where it need not. */
const noLookup = (): Promise<never> => Promise.reject(new Error('looked up'));

describe('mayRecord (HTTP and import alike)', () => {
  it('lets a producer place on the market as itself only', () => {
    expect(mayRecord(organisation('p-1', 'producer'), placement('p-1'))).toEqual({ allowed: true, role: 'producer' });
    expect(mayRecord(organisation('p-1', 'producer'), placement('p-2'))).toMatchObject({
      allowed: false,
      field: 'producerId',
    });
  });

  it('refuses a command whose permission no role holds, naming no field', () => {
    expect(mayRecord(organisation('c-1', 'collector'), placement('c-1'))).toMatchObject({
      allowed: false,
      field: null,
    });
    expect(mayRecord(organisation('c-1', 'collector'), collection)).toEqual({ allowed: true, role: 'collector' });
  });
});

describe('mayImport', () => {
  it('lets an admin import any line, as admin', async () => {
    expect(await mayImport(organisation('a', 'admin'), placement('p-9'), noLookup)).toEqual({
      allowed: true,
      role: 'admin',
    });
  });

  it("lets a producer organisation import its current members' placements only", async () => {
    const po = organisation('po-1', 'producer-organisation');
    const current = (producerId: string): Promise<string | null> =>
      Promise.resolve(producerId === 'member' ? 'po-1' : 'po-2');
    expect(await mayImport(po, placement('member'), current)).toEqual({ allowed: true, role: 'producer-organisation' });
    expect(await mayImport(po, placement('other'), current)).toMatchObject({ allowed: false, field: 'producerId' });
    expect(await mayImport(po, collection, noLookup)).toMatchObject({ allowed: false, field: null });
  });

  it('is mayRecord for everyone else', async () => {
    expect(await mayImport(organisation('p-1', 'producer'), placement('p-1'), noLookup)).toEqual({
      allowed: true,
      role: 'producer',
    });
    expect(await mayImport(organisation('p-1', 'producer'), placement('p-2'), noLookup)).toMatchObject({
      allowed: false,
      field: 'producerId',
    });
  });
});

describe('scopeStatisticsFilters', () => {
  const everMember = (producerId: string, organisationId: string): Promise<boolean> =>
    Promise.resolve(producerId === 'former' && organisationId === 'po-1');

  it('narrows a producer to its own figures and refuses another producer', async () => {
    const scope = readScope(organisation('p-1', 'producer'));
    expect(await scopeStatisticsFilters(scope, {}, noLookup)).toEqual({
      allowed: true,
      producerId: 'p-1',
      organisationId: undefined,
    });
    expect(await scopeStatisticsFilters(scope, { producerId: 'p-2' }, noLookup)).toMatchObject({
      allowed: false,
      field: 'producerId',
    });
  });

  it('narrows a producer organisation to its figures; a producer filter needs a present or former member', async () => {
    const scope = readScope(organisation('po-1', 'producer-organisation'));
    expect(await scopeStatisticsFilters(scope, {}, noLookup)).toEqual({
      allowed: true,
      producerId: undefined,
      organisationId: 'po-1',
    });
    expect(await scopeStatisticsFilters(scope, { organisationId: 'po-2' }, noLookup)).toMatchObject({
      allowed: false,
      field: 'organisationId',
    });
    expect(await scopeStatisticsFilters(scope, { producerId: 'former' }, everMember)).toEqual({
      allowed: true,
      producerId: 'former',
      organisationId: 'po-1',
    });
    expect(await scopeStatisticsFilters(scope, { producerId: 'never' }, everMember)).toMatchObject({
      allowed: false,
      field: 'producerId',
    });
  });

  it('leaves the filters of auditors and admins as asked', async () => {
    const scope = readScope(organisation('aud', 'auditor'));
    expect(await scopeStatisticsFilters(scope, { producerId: 'x', organisationId: 'y' }, noLookup)).toEqual({
      allowed: true,
      producerId: 'x',
      organisationId: 'y',
    });
  });
});
