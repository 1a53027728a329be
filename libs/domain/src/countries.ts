/**
 * Countries (docs/statistics.md "Countries"): the ISO 3166-1 alpha-2 codes Kierto accepts,
 * the two Eurostat spellings it turns into them, and who was an EU or EEA member on a given day,
 * which decides whether treatment abroad counts as "another member state" or "outside the EU".
 * Pure data and functions, so the domain, the schemas and the projections share one source.
 */
import type { CountryCode } from './events.js';

/**
 * The 249 officially assigned ISO 3166-1 alpha-2 codes, generated from the Debian iso-codes package
 * 4.15.0 (`/usr/share/iso-codes/json/iso_3166-1.json`), which follows the ISO 3166 Maintenance Agency.
 * User-assigned codes (XK for Kosovo, XX, …) and exceptionally reserved ones (EU, UK, EL, …) are not
 * in it: an unknown code is refused rather than counted as a country of its own.
 */
export const ISO_3166_1_ALPHA_2: readonly CountryCode[] = [
  'AD',
  'AE',
  'AF',
  'AG',
  'AI',
  'AL',
  'AM',
  'AO',
  'AQ',
  'AR',
  'AS',
  'AT',
  'AU',
  'AW',
  'AX',
  'AZ',
  'BA',
  'BB',
  'BD',
  'BE',
  'BF',
  'BG',
  'BH',
  'BI',
  'BJ',
  'BL',
  'BM',
  'BN',
  'BO',
  'BQ',
  'BR',
  'BS',
  'BT',
  'BV',
  'BW',
  'BY',
  'BZ',
  'CA',
  'CC',
  'CD',
  'CF',
  'CG',
  'CH',
  'CI',
  'CK',
  'CL',
  'CM',
  'CN',
  'CO',
  'CR',
  'CU',
  'CV',
  'CW',
  'CX',
  'CY',
  'CZ',
  'DE',
  'DJ',
  'DK',
  'DM',
  'DO',
  'DZ',
  'EC',
  'EE',
  'EG',
  'EH',
  'ER',
  'ES',
  'ET',
  'FI',
  'FJ',
  'FK',
  'FM',
  'FO',
  'FR',
  'GA',
  'GB',
  'GD',
  'GE',
  'GF',
  'GG',
  'GH',
  'GI',
  'GL',
  'GM',
  'GN',
  'GP',
  'GQ',
  'GR',
  'GS',
  'GT',
  'GU',
  'GW',
  'GY',
  'HK',
  'HM',
  'HN',
  'HR',
  'HT',
  'HU',
  'ID',
  'IE',
  'IL',
  'IM',
  'IN',
  'IO',
  'IQ',
  'IR',
  'IS',
  'IT',
  'JE',
  'JM',
  'JO',
  'JP',
  'KE',
  'KG',
  'KH',
  'KI',
  'KM',
  'KN',
  'KP',
  'KR',
  'KW',
  'KY',
  'KZ',
  'LA',
  'LB',
  'LC',
  'LI',
  'LK',
  'LR',
  'LS',
  'LT',
  'LU',
  'LV',
  'LY',
  'MA',
  'MC',
  'MD',
  'ME',
  'MF',
  'MG',
  'MH',
  'MK',
  'ML',
  'MM',
  'MN',
  'MO',
  'MP',
  'MQ',
  'MR',
  'MS',
  'MT',
  'MU',
  'MV',
  'MW',
  'MX',
  'MY',
  'MZ',
  'NA',
  'NC',
  'NE',
  'NF',
  'NG',
  'NI',
  'NL',
  'NO',
  'NP',
  'NR',
  'NU',
  'NZ',
  'OM',
  'PA',
  'PE',
  'PF',
  'PG',
  'PH',
  'PK',
  'PL',
  'PM',
  'PN',
  'PR',
  'PS',
  'PT',
  'PW',
  'PY',
  'QA',
  'RE',
  'RO',
  'RS',
  'RU',
  'RW',
  'SA',
  'SB',
  'SC',
  'SD',
  'SE',
  'SG',
  'SH',
  'SI',
  'SJ',
  'SK',
  'SL',
  'SM',
  'SN',
  'SO',
  'SR',
  'SS',
  'ST',
  'SV',
  'SX',
  'SY',
  'SZ',
  'TC',
  'TD',
  'TF',
  'TG',
  'TH',
  'TJ',
  'TK',
  'TL',
  'TM',
  'TN',
  'TO',
  'TR',
  'TT',
  'TV',
  'TW',
  'TZ',
  'UA',
  'UG',
  'UM',
  'US',
  'UY',
  'UZ',
  'VA',
  'VC',
  'VE',
  'VG',
  'VI',
  'VN',
  'VU',
  'WF',
  'WS',
  'YE',
  'YT',
  'ZA',
  'ZM',
  'ZW',
];

const ASSIGNED: ReadonlySet<string> = new Set(ISO_3166_1_ALPHA_2);

export function isCountryCode(code: string): code is CountryCode {
  return ASSIGNED.has(code);
}

/**
 * Eurostat's own spellings, accepted at the edge (request bodies, import lines, query strings) and
 * stored as the ISO code, so that a figure for Greece never splits between "EL" and "GR".
 */
export const EUROSTAT_COUNTRY_ALIASES: Readonly<Record<string, CountryCode>> = { EL: 'GR', UK: 'GB' };

/** The ISO code a given code stands for (an alias becomes its ISO code), or null when it names no country. */
export function normaliseCountryCode(code: string): CountryCode | null {
  const iso = Object.hasOwn(EUROSTAT_COUNTRY_ALIASES, code) ? EUROSTAT_COUNTRY_ALIASES[code] : code;
  return iso !== undefined && isCountryCode(iso) ? iso : null;
}

/** Days as `YYYY-MM-DD`, compared as strings: membership starts on `from`, ends before `until`. */
interface Interval {
  readonly from: string;
  readonly until?: string;
}

const FOUNDERS = { from: '1958-01-01' };
const ENLARGEMENT_1973 = { from: '1973-01-01' };
const ENLARGEMENT_1995 = { from: '1995-01-01' };
const ENLARGEMENT_2004 = { from: '2004-05-01' };
const ENLARGEMENT_2007 = { from: '2007-01-01' };

/**
 * EU membership by accession treaty (and the one withdrawal). The United Kingdom was a member until
 * 31 Jan 2020 inclusive. Germany's code covers the whole country since reunification (1990).
 */
const EU_MEMBER_STATES: Readonly<Record<string, Interval>> = {
  BE: FOUNDERS,
  DE: FOUNDERS,
  FR: FOUNDERS,
  IT: FOUNDERS,
  LU: FOUNDERS,
  NL: FOUNDERS,
  DK: ENLARGEMENT_1973,
  IE: ENLARGEMENT_1973,
  GB: { from: '1973-01-01', until: '2020-02-01' },
  GR: { from: '1981-01-01' },
  ES: { from: '1986-01-01' },
  PT: { from: '1986-01-01' },
  AT: ENLARGEMENT_1995,
  FI: ENLARGEMENT_1995,
  SE: ENLARGEMENT_1995,
  CY: ENLARGEMENT_2004,
  CZ: ENLARGEMENT_2004,
  EE: ENLARGEMENT_2004,
  HU: ENLARGEMENT_2004,
  LT: ENLARGEMENT_2004,
  LV: ENLARGEMENT_2004,
  MT: ENLARGEMENT_2004,
  PL: ENLARGEMENT_2004,
  SI: ENLARGEMENT_2004,
  SK: ENLARGEMENT_2004,
  BG: ENLARGEMENT_2007,
  RO: ENLARGEMENT_2007,
  HR: { from: '2013-07-01' },
};

/**
 * Parts of member states that have ISO codes of their own and lie inside the EU (outermost regions
 * and Åland), with the state they belong to and the days they were EU territory: treatment there is
 * treatment in that state. Mayotte joined as an outermost region on 1 Jan 2014; Saint-Barthélemy left
 * on 1 Jan 2012; Greenland left on 1 Feb 1985.
 */
const EU_TERRITORIES: Readonly<Record<string, { readonly state: CountryCode } & Interval>> = {
  AX: { state: 'FI', ...ENLARGEMENT_1995 },
  GF: { state: 'FR', ...FOUNDERS },
  GP: { state: 'FR', ...FOUNDERS },
  MQ: { state: 'FR', ...FOUNDERS },
  RE: { state: 'FR', ...FOUNDERS },
  MF: { state: 'FR', ...FOUNDERS },
  YT: { state: 'FR', from: '2014-01-01' },
  BL: { state: 'FR', from: '1958-01-01', until: '2012-01-01' },
  GL: { state: 'DK', from: '1973-01-01', until: '1985-02-01' },
};

/**
 * The EFTA states in the European Economic Area. The EEA Agreement takes the WEEE Directive into
 * their law, and Eurostat publishes their figures beside the member states'; Switzerland is not in it.
 */
const EEA_EFTA_STATES: Readonly<Record<string, Interval>> = {
  IS: { from: '1994-01-01' },
  NO: { from: '1994-01-01' },
  LI: { from: '1995-05-01' },
};

/**
 * Union law, the WEEE Directive with it, went on applying to the United Kingdom in the transition
 * period after its withdrawal, to 31 Dec 2020 inclusive: the Withdrawal Agreement (Art. 127(6)) reads
 * every reference to Member States in Union law as including it. Treatment there in 2020 is
 * therefore treatment in another Member State, although the UK was no longer a member.
 */
const TRANSITION_PERIODS: Readonly<Record<string, Interval>> = {
  GB: { from: '2020-02-01', until: '2021-01-01' },
};

/** The UTC calendar day of an instant (RFC 3339) or a day (`YYYY-MM-DD`). */
function dayOf(at: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(at) ? at : new Date(Date.parse(at)).toISOString().slice(0, 10);
}

const within = (interval: Interval | undefined, day: string): boolean =>
  interval !== undefined && interval.from <= day && (interval.until === undefined || day < interval.until);

/**
 * The member state a country's territory belonged to on that day, or null when it was not EU
 * territory. `at` is an RFC 3339 instant (compared by its UTC day) or a `YYYY-MM-DD` day.
 */
export function euMemberStateOn(code: CountryCode, at: string): CountryCode | null {
  const day = dayOf(at);
  if (within(Object.hasOwn(EU_MEMBER_STATES, code) ? EU_MEMBER_STATES[code] : undefined, day)) return code;
  const territory = Object.hasOwn(EU_TERRITORIES, code) ? EU_TERRITORIES[code] : undefined;
  return territory !== undefined && within(territory, day) && euMemberStateOn(territory.state, day) !== null
    ? territory.state
    : null;
}

export function isEuMemberOn(code: CountryCode, at: string): boolean {
  return euMemberStateOn(code, at) !== null;
}

/**
 * A state where the WEEE Directive applies on that day: an EU member state, an EEA EFTA state, or
 * the United Kingdom in its transition period.
 */
export function appliesWeeeDirectiveOn(code: CountryCode, at: string): boolean {
  const day = dayOf(at);
  return (
    isEuMemberOn(code, at) ||
    within(Object.hasOwn(EEA_EFTA_STATES, code) ? EEA_EFTA_STATES[code] : undefined, day) ||
    within(Object.hasOwn(TRANSITION_PERIODS, code) ? TRANSITION_PERIODS[code] : undefined, day)
  );
}
