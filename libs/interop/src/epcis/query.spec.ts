import { describe, expect, it } from '@jest/globals';
import { deviceIdOfEpc, parseEpcisQuery } from './query.js';
import { deviceUri, timeZoneOffsetOf } from './identifiers.js';

describe('device EPCs', () => {
  it.each(['gtin:09506000134352:LAP-0001', 'gtin:09506000134352:A~2FB~20C', "mfr:acme~20corp.:SN-1!*'()"])(
    '%s goes to its EPC and back',
    (deviceId) => {
      expect(deviceIdOfEpc(deviceUri(deviceId))).toBe(deviceId);
    },
  );

  it('reads a Digital Link on any host, with a custom stem, a GTIN-13 and key qualifiers', () => {
    for (const epc of [
      'https://dpp.example.org/stem/01/09506000134352/21/LAP-0001',
      'https://dpp.example.org/01/9506000134352/21/LAP-0001',
      'https://id.gs1.org/01/09506000134352/10/LOT7/21/LAP-0001',
    ]) {
      expect({ epc, deviceId: deviceIdOfEpc(epc) }).toEqual({ epc, deviceId: 'gtin:09506000134352:LAP-0001' });
    }
  });

  it('is null for what names no device', () => {
    for (const epc of [
      'urn:epc:id:sgtin:0614141.107346.2017',
      'https://id.gs1.org/01/09506000134353/21/X',
      'https://id.gs1.org/01/09506000134352/21/X?linkType=all',
      'urn:kierto:device:nonsense',
      'not a uri',
    ]) {
      expect({ epc, deviceId: deviceIdOfEpc(epc) }).toEqual({ epc, deviceId: null });
    }
  });
});

describe('the EPCIS query string', () => {
  it('defaults to the first page of 100 of everything', () => {
    expect(parseEpcisQuery({})).toEqual({
      deviceIds: null,
      geEventTime: null,
      ltEventTime: null,
      bizSteps: null,
      perPage: 100,
      after: 0,
    });
  });

  it('expands CBV words and keeps URIs, deduplicates devices', () => {
    const query = parseEpcisQuery({
      EQ_bizStep: 'repairing|https://kierto.org/epcis/BizStep-sanitising',
      MATCH_anyEPC: ['urn:kierto:device:mfr:a:1', 'urn:kierto:device:mfr:a:1'],
      nextPageToken: '42',
    });
    expect(query).toMatchObject({
      bizSteps: ['https://ref.gs1.org/cbv/BizStep-repairing', 'https://kierto.org/epcis/BizStep-sanitising'],
      deviceIds: ['mfr:a:1'],
      after: 42,
    });
  });
});

describe('the time zone offset of a timestamp', () => {
  it.each([
    ['2026-01-01T00:00:00Z', '+00:00'],
    ['2026-01-01T00:00:00.5+02:00', '+02:00'],
    ['2026-01-01T00:00:00-0330', '-03:30'],
  ])('%s → %s', (timestamp, offset) => {
    expect(timeZoneOffsetOf(timestamp)).toBe(offset);
  });
});
