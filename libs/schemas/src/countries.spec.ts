/**
 * Country codes in the public contract (docs/statistics.md): only assigned ISO 3166-1 alpha-2 codes are
 * recorded; a request may use Eurostat's EL and UK, which are recorded as GR and GB.
 */
import { describe, expect, it } from '@jest/globals';
import { COUNTRY_CODE_PATTERN, REQUEST_COUNTRY_CODE_PATTERN } from './common.js';
import { withIsoCountryCodes } from './country-aliases.js';
import { eventDataSchemas } from './events.js';
import { requestSchemas } from './requests.js';
import { schemaValidator } from './validator.js';

const validator = schemaValidator();

describe('country codes in the schemas', () => {
  it('an event records only the 249 assigned codes; a request also takes EL and UK', () => {
    const event = new RegExp(COUNTRY_CODE_PATTERN);
    const request = new RegExp(REQUEST_COUNTRY_CODE_PATTERN);
    expect(['FI', 'GR', 'GB', 'AX'].every((code) => event.test(code))).toBe(true);
    expect(['EL', 'UK', 'XX', 'XK', 'fi', 'FIN', 'F'].some((code) => event.test(code))).toBe(false);
    expect(['EL', 'UK', 'FI'].every((code) => request.test(code))).toBe(true);
    expect(['XX', 'XK', 'EU', 'fi'].some((code) => request.test(code))).toBe(false);
    expect(eventDataSchemas.DeviceRecycled.properties.treatmentCountry.pattern).toBe(COUNTRY_CODE_PATTERN);
    expect(requestSchemas.RecordRecycling.properties.treatmentCountry.pattern).toBe(REQUEST_COUNTRY_CODE_PATTERN);
  });

  it('turns EL and UK in a request into GR and GB, without touching the body it was given', () => {
    const body = {
      occurredAt: '2025-03-01T10:00:00Z',
      facilityId: 'r-1',
      treatmentCountry: 'UK',
      weightKg: 1,
      outputs: [],
    };
    const result = validator.validateRequest('RecordRecycling', body);
    expect(result.ok ? result.value.treatmentCountry : result.errors).toBe('GB');
    expect(body.treatmentCountry).toBe('UK');
    expect(withIsoCountryCodes({ country: 'EL', market: 'household' })).toEqual({ country: 'GR', market: 'household' });
    const unchanged = { country: 'FI' };
    expect(withIsoCountryCodes(unchanged)).toBe(unchanged);
    expect(withIsoCountryCodes([{ country: 'EL' }])).toEqual([{ country: 'EL' }]);
  });

  it('refuses an unassigned code, naming the field and the rule (not 249 alternatives)', () => {
    const body = {
      occurredAt: '2025-03-01T10:00:00Z',
      facilityId: 'r-1',
      treatmentCountry: 'XX',
      weightKg: 1,
      outputs: [],
    };
    const result = validator.validateRequest('RecordRecycling', body);
    expect(result.ok ? [] : result.errors).toEqual([
      {
        field: 'treatmentCountry',
        code: 'INVALID_VALUE',
        message:
          "treatmentCountry must be an assigned ISO 3166-1 alpha-2 country code such as FI (or Eurostat's EL or UK)",
      },
    ]);
  });

  it('event data (what an outsider validates a stored event with) holds no alias', () => {
    const data = { facilityId: 'r-1', treatmentCountry: 'EL', weightKg: 1, outputs: [] };
    const result = validator.validateEventData('DeviceRecycled', data);
    expect(result.ok ? [] : result.errors).toEqual([
      {
        field: 'treatmentCountry',
        code: 'INVALID_VALUE',
        message: 'treatmentCountry must be an assigned ISO 3166-1 alpha-2 country code such as FI',
      },
    ]);
  });
});
