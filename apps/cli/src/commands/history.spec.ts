import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { LAPTOP, cli, workspace, type Workspace } from './testing/audit-cli.js';

let ws: Workspace;
beforeEach(async () => {
  ws = await workspace();
});
afterEach(() => ws.cleanup());

describe('kierto history', () => {
  it("prints the device's events in order with actor, position, revision and hash", async () => {
    const run = await cli(['history', '--device', LAPTOP], ws.env);
    expect(run.code).toBe(0);
    const lines = run.out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^#1 r0 \S+ DevicePlacedOnMarket by org-maker \(producer, key k-1\) recorded \S+ hash [0-9a-f]{64}$/,
    );
    expect(lines[1]).toMatch(/^#3 r1 \S+ DeviceCollected by org-collector \(collector, key key-1\)/);
    expect(lines[2]).toMatch(/^#5 r2 \S+ DeviceDataWiped /);
  });

  it('prints JSON with --json', async () => {
    const run = await cli(['history', '--device', LAPTOP, '--json'], ws.env);
    const history = JSON.parse(run.out);
    expect(history.deviceId).toBe(LAPTOP);
    expect(
      history.events.map((e: { globalPosition: number; hashValid: boolean }) => [e.globalPosition, e.hashValid]),
    ).toEqual([
      [1, true],
      [3, true],
      [5, true],
    ]);
  });

  it('flags an event whose actor was changed in the database, and exits 1', async () => {
    ws.sql(`UPDATE events SET actor_organisation_id = 'org-other' WHERE global_position = 3`);
    const run = await cli(['history', '--device', LAPTOP], ws.env);
    expect(run.code).toBe(1);
    expect(run.out.split('\n')[1]).toMatch(/by org-other .* DOES NOT MATCH ITS CONTENT$/);
  });

  it('says so for an unknown device or a malformed id', async () => {
    const unknown = await cli(['history', '--device', 'gtin:09506000134352:NOPE'], ws.env);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toBe('history: no device gtin:09506000134352:NOPE is stored');
    const malformed = await cli(['history', '--device', 'nope'], ws.env);
    expect(malformed.code).toBe(2);
  });
});
