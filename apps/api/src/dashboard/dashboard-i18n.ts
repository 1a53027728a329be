/**
 * The dashboard's words in Finnish, Swedish and English: one table per language of one type (as
 * apps/api/src/pages/i18n.ts), so a string missing from a language does not compile. Category names
 * and the locale come from the pages' table (STRINGS), which the passport page shares.
 */
import type { Market, RateKind } from '#kierto/domain';
import type { Measure } from '#kierto/projections';
import type { Language } from '../pages/i18n.js';
import type { FactsParameter, FilterField } from './dashboard-filters.js';

/** Why a filter field was refused: malformed, or (403) another organisation's figures. */
export type FilterProblem = 'invalid' | 'forbidden' | 'own-figures-only';

export interface DashboardStrings {
  readonly title: string;
  readonly factsTitle: string;
  readonly intro: {
    readonly all: string;
    readonly organisation: (organisationId: string) => string;
    readonly producer: (producerId: string) => string;
  };
  readonly filters: {
    readonly legend: string;
    readonly labels: Readonly<Record<FilterField, string>>;
    readonly hints: Readonly<Partial<Record<FilterField, string>>>;
    readonly any: string;
    readonly show: string;
    readonly reset: string;
    readonly problems: Readonly<Record<FilterField, string>>;
    readonly forbidden: Readonly<Record<'producerId' | 'organisationId', string>>;
    /** A producer naming another producer: it reads its own figures only. */
    readonly ownFiguresOnly: string;
    readonly unknown: (names: string) => string;
    readonly summary: string;
  };
  readonly market: Readonly<Record<Market, string>>;
  readonly empty: string;
  readonly csv: (table: string) => string;
  readonly checkpoint: (position: number) => string;
  readonly collection: {
    readonly heading: string;
    readonly explanation: string;
    readonly chart: (from: number, to: number) => string;
    readonly year: string;
    readonly collected: string;
    readonly placedOnMarket: (year: number) => string;
    readonly pomYearN: (back: 1 | 2 | 3) => string;
    readonly average: string;
    readonly rate: string;
    readonly target: string;
    readonly met: string;
    readonly notComputable: (years: string) => string;
    readonly noTarget: string;
    readonly informationOnly: string;
  };
  readonly recovery: {
    readonly heading: string;
    readonly explanation: string;
    readonly noTargets: (year: number) => string;
    readonly chart: (year: number) => string;
    readonly category: string;
    readonly collected: string;
    readonly preparedForReuse: string;
    readonly recycled: string;
    readonly recovered: string;
    readonly rateKind: Readonly<Record<RateKind, string>>;
    /** The rate's name in a cell of the second-rate column. */
    readonly rateName: Readonly<Record<RateKind, string>>;
    readonly secondRate: string;
    readonly secondRatePercent: string;
    readonly target: string;
    readonly met: string;
  };
  readonly report: {
    readonly heading: string;
    readonly explanation: string;
    readonly category: string;
    readonly market: string;
    readonly total: string;
    readonly columns: {
      readonly placedOnMarket: string;
      readonly collected: string;
      readonly preparedForReuse: string;
      readonly recycled: string;
      readonly energyRecovery: string;
      readonly treatedSameCountry: string;
      readonly treatedOtherEu: string;
      readonly treatedOutsideEu: string;
      readonly reuse: string;
    };
  };
  readonly yes: string;
  readonly no: string;
  readonly tonnes: string;
  readonly facts: {
    readonly heading: (what: string) => string;
    readonly measure: Readonly<Record<Measure, string>>;
    readonly back: string;
    readonly none: string;
    readonly next: string;
    readonly first: string;
    readonly position: string;
    readonly occurredAt: string;
    readonly device: string;
    readonly measureColumn: string;
    readonly category: string;
    readonly market: string;
    readonly country: string;
    readonly producer: string;
    readonly organisation: string;
    readonly kg: string;
    readonly units: string;
    readonly treatment: string;
    readonly count: (shown: number, more: boolean) => string;
    readonly of: (measures: string, year: number) => string;
    readonly parameterProblems: Readonly<Record<FactsParameter, string>>;
  };
}

const EN: DashboardStrings = {
  title: 'WEEE figures',
  factsTitle: 'Facts behind a figure',
  intro: {
    all: 'National figures, or those of the organisation or member you filter by.',
    organisation: (id) => `The figures attributed to your producer organisation ${id}: its members' devices.`,
    producer: (id) => `Your own figures as producer ${id}.`,
  },
  filters: {
    legend: 'Filters',
    labels: {
      year: 'Year',
      country: 'Country',
      category: 'WEEE category',
      market: 'Household or other',
      producerId: 'Member (producer id)',
      organisationId: 'Producer organisation (id)',
    },
    hints: {
      country: 'Two letters, e.g. FI',
      producerId: 'Empty: all members',
    },
    any: 'All',
    show: 'Show figures',
    reset: 'Clear filters',
    problems: {
      year: 'Enter a year from 1900 to 2100.',
      country: 'Enter a country code of two letters, such as FI or SE.',
      category: 'Choose a WEEE category from 1 to 6.',
      market: 'Choose household or other than household.',
      producerId: 'Enter a producer id of at most 200 characters.',
      organisationId: 'Enter an organisation id of at most 200 characters.',
    },
    forbidden: {
      producerId: 'This producer has never been a member of your organisation: its figures are not yours to see.',
      organisationId: "You can see your own organisation's figures only.",
    },
    ownFiguresOnly: 'As a producer you see your own figures only.',
    unknown: (names) => `The address has parameters the dashboard does not know: ${names}.`,
    summary: 'The figures could not be shown:',
  },
  market: { household: 'Household', 'non-household': 'Other than household' },
  empty:
    'There are no figures for these filters: nothing was placed on the market, collected or treated. Try another year or fewer filters.',
  csv: (table) => `Download ${table} as CSV`,
  checkpoint: (position) => `Figures up to event ${position}.`,
  collection: {
    heading: 'Collection rate',
    explanation:
      'Collected in the year divided by the average placed on the market in the three years before (Article 7). Every figure links to the facts behind it.',
    chart: (from, to) => `Collection rate ${from}–${to} against the target in force, per year`,
    year: 'Year',
    collected: 'Collected (t)',
    placedOnMarket: (year) => `Placed on the market ${year} (t)`,
    pomYearN: (back) => `Placed on the market N−${back} (t)`,
    average: 'Average placed on the market (t)',
    rate: 'Collection rate (%)',
    target: 'Target (%)',
    met: 'Target met',
    notComputable: (years) => `Not computable: no placed-on-market data for ${years}`,
    noTarget: 'No target',
    informationOnly: 'For information: the target applies to all categories together',
  },
  recovery: {
    heading: 'Recovery and recycling rates (Annex V)',
    explanation:
      'Per category, of everything collected in the year: recovered (including prepared for re-use), and prepared for re-use plus recycled (lamps: recycled).',
    noTargets: (year) =>
      `Annex V Part 3 targets apply to whole years from 2019; ${year} has none as a whole (the API's period tables give the targets of each part of the year).`,
    chart: (year) => `Recovery and recycling rates per category in ${year} against the Annex V targets`,
    category: 'Category',
    collected: 'Collected (t)',
    preparedForReuse: 'Prepared for re-use (t)',
    recycled: 'Recycled (t)',
    recovered: 'Recovered (t)',
    rateKind: {
      recovery: 'Recovery rate (%)',
      'prepared-for-re-use-and-recycling': 'Prepared for re-use and recycled (%)',
      recycling: 'Recycling rate (%)',
    },
    rateName: {
      recovery: 'Recovery',
      'prepared-for-re-use-and-recycling': 'Re-use + recycling',
      recycling: 'Recycling',
    },
    secondRate: 'Second rate',
    secondRatePercent: 'Second rate (%)',
    target: 'target',
    met: 'met',
  },
  report: {
    heading: 'Yearly report',
    explanation: 'Tonnes per category, household and other apart, as a producer organisation reports them.',
    category: 'Category',
    market: 'Household or other',
    total: 'Total',
    columns: {
      placedOnMarket: 'Placed on the market',
      collected: 'Collected',
      preparedForReuse: 'Prepared for re-use',
      recycled: 'Recycled',
      energyRecovery: 'Energy recovery',
      treatedSameCountry: 'Treated in the country',
      treatedOtherEu: 'Treated in another EU state',
      treatedOutsideEu: 'Treated outside the EU',
      reuse: 'Re-use (not WEEE)',
    },
  },
  yes: 'yes',
  no: 'no',
  tonnes: 't',
  facts: {
    heading: (what) => `Facts: ${what}`,
    measure: {
      POM: 'placed on the market',
      COL: 'collected',
      PFR: 'prepared for re-use',
      REUSE: 're-use (not WEEE)',
      TREATED: 'treated',
      RCV: 'recovered',
      RCY: 'recycled',
      ER: 'energy recovery',
      REPAIR: 'repairs',
      REPAIR_FIXED: 'repairs fixed',
      AGE_AT_COL: 'age at collection',
      AGE_AT_RCY: 'age at recycling',
      LIVES_AT_RCY: 'lives at recycling',
      DATA_RESALE: 'resales of data-bearing devices',
      DATA_RESALE_WIPED: 'resales after a passing wipe',
    },
    back: 'Back to the dashboard',
    none: 'No facts: nothing counts in this figure.',
    next: 'Next page',
    first: 'First page',
    position: 'Event',
    occurredAt: 'Occurred',
    device: 'Device (passport)',
    measureColumn: 'Measure',
    category: 'Category',
    market: 'Household or other',
    country: 'Country',
    producer: 'Producer',
    organisation: 'Organisation',
    kg: 'kg',
    units: 'Units',
    treatment: 'Treated',
    count: (shown, more) => `${shown} facts on this page${more ? '; more on the next' : ''}.`,
    of: (measures, year) => `${measures}, ${year}`,
    parameterProblems: {
      measure: 'name one or more measures, such as COL or POM, each once.',
      treatment: 'the treatment location is same-country, other-eu or outside-eu.',
      cursor: 'this is not a page address the dashboard gave out; start from the first page.',
      limit: 'facts per page is a whole number from 1 to 200.',
    },
  },
};

const FI: DashboardStrings = {
  title: 'SER-tilastot',
  factsTitle: 'Luvun taustalla olevat tapahtumat',
  intro: {
    all: 'Koko maan luvut tai suodattamasi tuottajayhteisön tai jäsenen luvut.',
    organisation: (id) => `Tuottajayhteisöllesi ${id} kohdistuvat luvut: jäsentesi laitteet.`,
    producer: (id) => `Omat lukusi tuottajana ${id}.`,
  },
  filters: {
    legend: 'Suodattimet',
    labels: {
      year: 'Vuosi',
      country: 'Maa',
      category: 'SER-luokka',
      market: 'Kotitalous vai muu',
      producerId: 'Jäsen (tuottajan tunnus)',
      organisationId: 'Tuottajayhteisö (tunnus)',
    },
    hints: {
      country: 'Kaksi kirjainta, esim. FI',
      producerId: 'Tyhjä: kaikki jäsenet',
    },
    any: 'Kaikki',
    show: 'Näytä luvut',
    reset: 'Tyhjennä suodattimet',
    problems: {
      year: 'Anna vuosi väliltä 1900–2100.',
      country: 'Anna kaksikirjaiminen maakoodi, kuten FI tai SE.',
      category: 'Valitse SER-luokka 1–6.',
      market: 'Valitse kotitalous tai muu kuin kotitalous.',
      producerId: 'Anna tuottajan tunnus, enintään 200 merkkiä.',
      organisationId: 'Anna tuottajayhteisön tunnus, enintään 200 merkkiä.',
    },
    forbidden: {
      producerId: 'Tämä tuottaja ei ole koskaan ollut yhteisösi jäsen: sen luvut eivät näy sinulle.',
      organisationId: 'Näet vain oman yhteisösi luvut.',
    },
    ownFiguresOnly: 'Tuottajana näet vain omat lukusi.',
    unknown: (names) => `Osoitteessa on parametreja, joita kojelauta ei tunne: ${names}.`,
    summary: 'Lukuja ei voitu näyttää:',
  },
  market: { household: 'Kotitaloudet', 'non-household': 'Muut kuin kotitaloudet' },
  empty:
    'Näillä suodattimilla ei ole lukuja: mitään ei saatettu markkinoille, kerätty eikä käsitelty. Kokeile toista vuotta tai vähempiä suodattimia.',
  csv: (table) => `Lataa ${table} CSV-tiedostona`,
  checkpoint: (position) => `Luvut tapahtumaan ${position} asti.`,
  collection: {
    heading: 'Keräysaste',
    explanation:
      'Vuoden aikana kerätty jaettuna kolmen edellisen vuoden keskimäärin markkinoille saatetulla määrällä (7 artikla). Jokainen luku johtaa taustalla oleviin tapahtumiin.',
    chart: (from, to) => `Keräysaste ${from}–${to} voimassa olevaan tavoitteeseen verrattuna, vuosittain`,
    year: 'Vuosi',
    collected: 'Kerätty (t)',
    placedOnMarket: (year) => `Markkinoille saatettu ${year} (t)`,
    pomYearN: (back) => `Markkinoille saatettu N−${back} (t)`,
    average: 'Markkinoille saatettu keskimäärin (t)',
    rate: 'Keräysaste (%)',
    target: 'Tavoite (%)',
    met: 'Tavoite saavutettu',
    notComputable: (years) => `Ei laskettavissa: markkinoille saattamisen tiedot puuttuvat vuosilta ${years}`,
    noTarget: 'Ei tavoitetta',
    informationOnly: 'Tiedoksi: tavoite koskee kaikkia luokkia yhdessä',
  },
  recovery: {
    heading: 'Hyödyntämis- ja kierrätysasteet (liite V)',
    explanation:
      'Luokittain vuoden aikana kerätystä: hyödynnetty (uudelleenkäytön valmistelu mukaan lukien) sekä uudelleenkäyttöön valmisteltu ja kierrätetty (lamput: kierrätetty).',
    noTargets: (year) =>
      `Liitteen V osan 3 tavoitteet koskevat kokonaisia vuosia vuodesta 2019; vuodella ${year} ei ole niitä kokonaisuutena (API:n jaksotaulukot antavat kunkin vuoden osan tavoitteet).`,
    chart: (year) => `Hyödyntämis- ja kierrätysasteet luokittain ${year} liitteen V tavoitteisiin verrattuna`,
    category: 'Luokka',
    collected: 'Kerätty (t)',
    preparedForReuse: 'Valmisteltu uudelleenkäyttöön (t)',
    recycled: 'Kierrätetty (t)',
    recovered: 'Hyödynnetty (t)',
    rateKind: {
      recovery: 'Hyödyntämisaste (%)',
      'prepared-for-re-use-and-recycling': 'Uudelleenkäyttöön valmisteltu ja kierrätetty (%)',
      recycling: 'Kierrätysaste (%)',
    },
    rateName: {
      recovery: 'Hyödyntäminen',
      'prepared-for-re-use-and-recycling': 'Uudelleenkäyttö + kierrätys',
      recycling: 'Kierrätys',
    },
    secondRate: 'Toinen aste',
    secondRatePercent: 'Toinen aste (%)',
    target: 'tavoite',
    met: 'saavutettu',
  },
  report: {
    heading: 'Vuosiraportti',
    explanation: 'Tonnit luokittain, kotitaloudet ja muut erikseen, kuten tuottajayhteisö ne raportoi.',
    category: 'Luokka',
    market: 'Kotitalous vai muu',
    total: 'Yhteensä',
    columns: {
      placedOnMarket: 'Markkinoille saatettu',
      collected: 'Kerätty',
      preparedForReuse: 'Valmisteltu uudelleenkäyttöön',
      recycled: 'Kierrätetty',
      energyRecovery: 'Energiana hyödynnetty',
      treatedSameCountry: 'Käsitelty samassa maassa',
      treatedOtherEu: 'Käsitelty toisessa EU-maassa',
      treatedOutsideEu: 'Käsitelty EU:n ulkopuolella',
      reuse: 'Uudelleenkäyttö (ei SER)',
    },
  },
  yes: 'kyllä',
  no: 'ei',
  tonnes: 't',
  facts: {
    heading: (what) => `Tapahtumat: ${what}`,
    measure: {
      POM: 'markkinoille saatettu',
      COL: 'kerätty',
      PFR: 'valmisteltu uudelleenkäyttöön',
      REUSE: 'uudelleenkäyttö (ei SER)',
      TREATED: 'käsitelty',
      RCV: 'hyödynnetty',
      RCY: 'kierrätetty',
      ER: 'energiana hyödynnetty',
      REPAIR: 'korjaukset',
      REPAIR_FIXED: 'onnistuneet korjaukset',
      AGE_AT_COL: 'ikä keräyksessä',
      AGE_AT_RCY: 'ikä kierrätyksessä',
      LIVES_AT_RCY: 'elinkaaret kierrätyksessä',
      DATA_RESALE: 'tallennuslaitteiden jälleenmyynnit',
      DATA_RESALE_WIPED: 'jälleenmyynnit hyväksytyn tietojen poiston jälkeen',
    },
    back: 'Takaisin kojelautaan',
    none: 'Ei tapahtumia: tähän lukuun ei lasketa mitään.',
    next: 'Seuraava sivu',
    first: 'Ensimmäinen sivu',
    position: 'Tapahtuma',
    occurredAt: 'Aika',
    device: 'Laite (passi)',
    measureColumn: 'Suure',
    category: 'Luokka',
    market: 'Kotitalous vai muu',
    country: 'Maa',
    producer: 'Tuottaja',
    organisation: 'Yhteisö',
    kg: 'kg',
    units: 'Kpl',
    treatment: 'Käsitelty',
    count: (shown, more) => `Tällä sivulla ${shown} tapahtumaa${more ? '; lisää seuraavalla' : ''}.`,
    of: (measures, year) => `${measures}, ${year}`,
    parameterProblems: {
      measure: 'anna yksi tai useampi suure, kuten COL tai POM, kukin kerran.',
      treatment: 'käsittelypaikka on same-country, other-eu tai outside-eu.',
      cursor: 'tämä ei ole kojelaudan antama sivun osoite; aloita ensimmäiseltä sivulta.',
      limit: 'tapahtumia sivulla on kokonaisluku 1–200.',
    },
  },
};

const SV: DashboardStrings = {
  title: 'Elavfallsstatistik',
  factsTitle: 'Händelserna bakom en siffra',
  intro: {
    all: 'Nationella siffror, eller de för organisationen eller medlemmen du filtrerar på.',
    organisation: (id) => `Siffrorna som hänförs till din producentansvarsorganisation ${id}: medlemmarnas enheter.`,
    producer: (id) => `Dina egna siffror som producent ${id}.`,
  },
  filters: {
    legend: 'Filter',
    labels: {
      year: 'År',
      country: 'Land',
      category: 'WEEE-kategori',
      market: 'Hushåll eller annat',
      producerId: 'Medlem (producentens id)',
      organisationId: 'Producentansvarsorganisation (id)',
    },
    hints: {
      country: 'Två bokstäver, t.ex. FI',
      producerId: 'Tomt: alla medlemmar',
    },
    any: 'Alla',
    show: 'Visa siffror',
    reset: 'Rensa filter',
    problems: {
      year: 'Ange ett år mellan 1900 och 2100.',
      country: 'Ange en landskod med två bokstäver, till exempel FI eller SE.',
      category: 'Välj en WEEE-kategori från 1 till 6.',
      market: 'Välj hushåll eller annat än hushåll.',
      producerId: 'Ange ett producent-id på högst 200 tecken.',
      organisationId: 'Ange ett organisations-id på högst 200 tecken.',
    },
    forbidden: {
      producerId: 'Producenten har aldrig varit medlem i din organisation: dess siffror är inte dina att se.',
      organisationId: 'Du kan bara se din egen organisations siffror.',
    },
    ownFiguresOnly: 'Som producent ser du bara dina egna siffror.',
    unknown: (names) => `Adressen har parametrar som översikten inte känner till: ${names}.`,
    summary: 'Siffrorna kunde inte visas:',
  },
  market: { household: 'Hushåll', 'non-household': 'Annat än hushåll' },
  empty:
    'Det finns inga siffror för dessa filter: ingenting släpptes ut på marknaden, samlades in eller behandlades. Prova ett annat år eller färre filter.',
  csv: (table) => `Ladda ner ${table} som CSV`,
  checkpoint: (position) => `Siffror till och med händelse ${position}.`,
  collection: {
    heading: 'Insamlingsgrad',
    explanation:
      'Insamlat under året delat med genomsnittet som släppts ut på marknaden de tre föregående åren (artikel 7). Varje siffra leder till händelserna bakom den.',
    chart: (from, to) => `Insamlingsgrad ${from}–${to} mot gällande mål, per år`,
    year: 'År',
    collected: 'Insamlat (t)',
    placedOnMarket: (year) => `Släppt ut på marknaden ${year} (t)`,
    pomYearN: (back) => `Släppt ut på marknaden N−${back} (t)`,
    average: 'Genomsnitt utsläppt på marknaden (t)',
    rate: 'Insamlingsgrad (%)',
    target: 'Mål (%)',
    met: 'Målet nått',
    notComputable: (years) => `Kan inte beräknas: uppgifter om utsläppande på marknaden saknas för ${years}`,
    noTarget: 'Inget mål',
    informationOnly: 'För information: målet gäller alla kategorier tillsammans',
  },
  recovery: {
    heading: 'Återvinnings- och materialåtervinningsgrad (bilaga V)',
    explanation:
      'Per kategori, av allt som samlats in under året: återvunnet (inklusive förberett för återanvändning) samt förberett för återanvändning och materialåtervunnet (lampor: materialåtervunnet).',
    noTargets: (year) =>
      `Målen i bilaga V del 3 gäller hela år från 2019; ${year} har inga som helhet (API:ts periodtabeller ger målen för varje del av året).`,
    chart: (year) => `Återvinningsgrader per kategori ${year} mot målen i bilaga V`,
    category: 'Kategori',
    collected: 'Insamlat (t)',
    preparedForReuse: 'Förberett för återanvändning (t)',
    recycled: 'Materialåtervunnet (t)',
    recovered: 'Återvunnet (t)',
    rateKind: {
      recovery: 'Återvinningsgrad (%)',
      'prepared-for-re-use-and-recycling': 'Förberett för återanvändning och materialåtervunnet (%)',
      recycling: 'Materialåtervinningsgrad (%)',
    },
    rateName: {
      recovery: 'Återvinning',
      'prepared-for-re-use-and-recycling': 'Återanvändning + materialåtervinning',
      recycling: 'Materialåtervinning',
    },
    secondRate: 'Andra grad',
    secondRatePercent: 'Andra grad (%)',
    target: 'mål',
    met: 'nått',
  },
  report: {
    heading: 'Årsrapport',
    explanation: 'Ton per kategori, hushåll och annat för sig, så som en producentansvarsorganisation rapporterar dem.',
    category: 'Kategori',
    market: 'Hushåll eller annat',
    total: 'Totalt',
    columns: {
      placedOnMarket: 'Släppt ut på marknaden',
      collected: 'Insamlat',
      preparedForReuse: 'Förberett för återanvändning',
      recycled: 'Materialåtervunnet',
      energyRecovery: 'Energiåtervunnet',
      treatedSameCountry: 'Behandlat i landet',
      treatedOtherEu: 'Behandlat i annat EU-land',
      treatedOutsideEu: 'Behandlat utanför EU',
      reuse: 'Återanvändning (inte WEEE)',
    },
  },
  yes: 'ja',
  no: 'nej',
  tonnes: 't',
  facts: {
    heading: (what) => `Händelser: ${what}`,
    measure: {
      POM: 'släppt ut på marknaden',
      COL: 'insamlat',
      PFR: 'förberett för återanvändning',
      REUSE: 'återanvändning (inte WEEE)',
      TREATED: 'behandlat',
      RCV: 'återvunnet',
      RCY: 'materialåtervunnet',
      ER: 'energiåtervunnet',
      REPAIR: 'reparationer',
      REPAIR_FIXED: 'lyckade reparationer',
      AGE_AT_COL: 'ålder vid insamling',
      AGE_AT_RCY: 'ålder vid återvinning',
      LIVES_AT_RCY: 'liv vid återvinning',
      DATA_RESALE: 'återförsäljningar av enheter med lagring',
      DATA_RESALE_WIPED: 'återförsäljningar efter godkänd radering',
    },
    back: 'Tillbaka till översikten',
    none: 'Inga händelser: ingenting räknas i denna siffra.',
    next: 'Nästa sida',
    first: 'Första sidan',
    position: 'Händelse',
    occurredAt: 'Tidpunkt',
    device: 'Enhet (pass)',
    measureColumn: 'Mått',
    category: 'Kategori',
    market: 'Hushåll eller annat',
    country: 'Land',
    producer: 'Producent',
    organisation: 'Organisation',
    kg: 'kg',
    units: 'St',
    treatment: 'Behandlat',
    count: (shown, more) => `${shown} händelser på denna sida${more ? '; fler på nästa' : ''}.`,
    of: (measures, year) => `${measures}, ${year}`,
    parameterProblems: {
      measure: 'ange ett eller flera mått, till exempel COL eller POM, vart och ett en gång.',
      treatment: 'behandlingsplatsen är same-country, other-eu eller outside-eu.',
      cursor: 'detta är inte en sidadress som översikten gett ut; börja från första sidan.',
      limit: 'händelser per sida är ett heltal från 1 till 200.',
    },
  },
};

export const DASHBOARD_STRINGS: Readonly<Record<Language, DashboardStrings>> = { en: EN, fi: FI, sv: SV };
