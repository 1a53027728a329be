/**
 * The desk's words in Finnish, Swedish and English, one table per language of one type (a string
 * missing from a language does not compile), as the passport page's (pages/i18n.ts), whose words for
 * events, repair outcomes, barriers, part conditions and wipe methods the desk reuses. Error messages
 * are not here: the desk shows the API's own (docs/api-errors.md), so both say the same thing.
 */
import type {
  BuyerType,
  CollectionChannel,
  DeviceCondition,
  Market,
  SalesChannel,
  SanitisationStandard,
  StorageMediumType,
  WipeResult,
  WipeVerification,
} from '#kierto/domain';
import type { Language } from '../pages/i18n.js';

/** The label of each form control, by its path in the request body (a row's fields by `rows.field`). */
export type FieldLabel =
  | 'occurredAt'
  | 'collectionPointId'
  | 'channel'
  | 'source'
  | 'country'
  | 'measuredWeightKg'
  | 'condition'
  | 'onBehalfOf'
  | 'standard'
  | 'method'
  | 'technique'
  | 'tool.name'
  | 'tool.version'
  | 'media.type'
  | 'media.serialNumber'
  | 'media.capacityGb'
  | 'media.result'
  | 'verification.method'
  | 'verification.verified'
  | 'result'
  | 'certificateId'
  | 'problem'
  | 'actions'
  | 'partsReplaced.name'
  | 'partsReplaced.partNumber'
  | 'partsReplaced.condition'
  | 'outcome'
  | 'barrier'
  | 'labourMinutes'
  | 'cost.amount'
  | 'cost.currency'
  | 'salesChannel'
  | 'buyerType'
  | 'price.amount'
  | 'price.currency'
  | 'warrantyMonths'
  | 'gtin'
  | 'serialNumber'
  | 'manufacturer'
  | 'issuer'
  | 'localId'
  | 'link';

/** A hint shown under a control, by what it explains. */
export type HintName = 'occurredAt' | 'country' | 'actions' | 'rows' | 'currency' | 'link' | 'identifiers';

export interface DeskWords {
  readonly desk: string;
  readonly findTitle: string;
  readonly findIntro: string;
  readonly byIdentifiers: string;
  readonly byLink: string;
  readonly find: string;
  readonly scan: string;
  readonly scanStop: string;
  readonly scanning: string;
  readonly scanFailed: string;
  readonly findAnother: string;
  readonly errorSummary: string;
  readonly formError: string;
  readonly required: string;
  readonly optional: string;
  readonly choose: string;
  readonly row: (index: number) => string;
  readonly recorded: (what: string) => string;
  readonly replayed: string;
  readonly device: string;
  readonly state: string;
  readonly status: string;
  readonly lives: string;
  readonly holdsData: string;
  readonly holdsDataValue: { readonly yes: string; readonly no: string; readonly unknown: string };
  readonly wipedSinceHandover: { readonly yes: string; readonly no: string };
  readonly latestRepair: string;
  readonly none: string;
  readonly history: string;
  readonly passportLink: string;
  readonly record: string;
  readonly nothingToRecord: string;
  readonly forms: {
    readonly CollectDevice: { readonly title: string; readonly submit: string };
    readonly RecordDataWipe: { readonly title: string; readonly submit: string };
    readonly RecordRepair: { readonly title: string; readonly submit: string };
    readonly RecordResale: { readonly title: string; readonly submit: string };
  };
  readonly groups: {
    readonly tool: string;
    readonly media: string;
    readonly verification: string;
    readonly partsReplaced: string;
    readonly cost: string;
    readonly price: string;
  };
  readonly labels: Readonly<Record<FieldLabel, string>>;
  readonly hints: Readonly<Record<HintName, string>>;
  readonly options: {
    readonly collectionChannel: Readonly<Record<CollectionChannel, string>>;
    readonly market: Readonly<Record<Market, string>>;
    readonly condition: Readonly<Record<DeviceCondition, string>>;
    readonly standard: Readonly<Record<SanitisationStandard, string>>;
    readonly mediumType: Readonly<Record<StorageMediumType, string>>;
    readonly result: Readonly<Record<WipeResult, string>>;
    readonly verificationMethod: Readonly<Record<WipeVerification['method'], string>>;
    readonly yesNo: { readonly yes: string; readonly no: string };
    readonly salesChannel: Readonly<Record<SalesChannel, string>>;
    readonly buyerType: Readonly<Record<BuyerType, string>>;
  };
}

const EN: DeskWords = {
  desk: 'Desk',
  findTitle: 'Find a device',
  findIntro: 'Type the identifiers on its label, or scan its QR code.',
  byIdentifiers: 'By identifiers',
  byLink: 'By its QR code',
  find: 'Find',
  scan: 'Scan the QR code with the camera',
  scanStop: 'Stop scanning',
  scanning: 'Point the camera at the QR code.',
  scanFailed: 'The camera could not be used. Type the address under the QR code instead.',
  findAnother: 'Find another device',
  errorSummary: 'There is a problem',
  formError: 'Not recorded:',
  required: 'required',
  optional: 'optional',
  choose: '– choose –',
  row: (index) => `Row ${index}`,
  recorded: (what) => `Recorded: ${what}.`,
  replayed: 'This form had already been sent; it was recorded once.',
  device: 'Device',
  state: 'State',
  status: 'Status',
  lives: 'Lives',
  holdsData: 'Stores user data',
  holdsDataValue: { yes: 'yes', no: 'no', unknown: 'not known (treated as yes)' },
  wipedSinceHandover: {
    yes: 'Data erased (passed) since the latest handover: it may be resold.',
    no: 'No passing data erasure since the latest handover: a resale needs one first.',
  },
  latestRepair: 'Latest repair',
  none: 'none',
  history: 'History',
  passportLink: 'Public passport',
  record: 'Record',
  nothingToRecord: "Your organisation's roles allow no recording on the desk.",
  forms: {
    CollectDevice: { title: 'Record a collection', submit: 'Record the collection' },
    RecordDataWipe: { title: 'Record a data wipe', submit: 'Record the wipe' },
    RecordRepair: { title: 'Record a repair', submit: 'Record the repair' },
    RecordResale: { title: 'Record a resale', submit: 'Record the resale' },
  },
  groups: {
    tool: 'Wiping tool',
    media: 'Storage media',
    verification: 'Verification',
    partsReplaced: 'Parts replaced',
    cost: 'Cost',
    price: 'Price',
  },
  labels: {
    occurredAt: 'When',
    collectionPointId: 'Collection point',
    channel: 'Channel',
    source: 'From',
    country: 'Country',
    measuredWeightKg: 'Measured weight (kg)',
    condition: 'Condition',
    onBehalfOf: 'On behalf of producer organisation',
    standard: 'Standard',
    method: 'Method',
    technique: 'Technique',
    'tool.name': 'Tool',
    'tool.version': 'Version',
    'media.type': 'Type',
    'media.serialNumber': 'Serial number',
    'media.capacityGb': 'Capacity (GB)',
    'media.result': 'Result',
    'verification.method': 'Verification',
    'verification.verified': 'Verified',
    result: 'Overall result',
    certificateId: 'Certificate id',
    problem: 'Problem',
    actions: 'What was done',
    'partsReplaced.name': 'Part',
    'partsReplaced.partNumber': 'Part number',
    'partsReplaced.condition': 'Condition',
    outcome: 'Outcome',
    barrier: 'Barrier to repair (end of life only)',
    labourMinutes: 'Labour (minutes)',
    'cost.amount': 'Amount',
    'cost.currency': 'Currency',
    salesChannel: 'Channel',
    buyerType: 'Buyer',
    'price.amount': 'Amount',
    'price.currency': 'Currency',
    warrantyMonths: 'Warranty (months)',
    gtin: 'GTIN',
    serialNumber: 'Serial number',
    manufacturer: 'Manufacturer',
    issuer: 'Issuer of a local id',
    localId: 'Local id',
    link: 'Address in the QR code',
  },
  hints: {
    occurredAt: 'Date and time with a time zone, e.g. 2026-06-01T10:00:00Z or 2026-06-01T13:00:00+03:00.',
    country: 'Two letters, e.g. FI.',
    actions: 'One action per line.',
    rows: 'Leave a row empty to skip it.',
    currency: 'Three capital letters, e.g. EUR.',
    link: 'For example https://example.org/01/09506000134352/21/LAP-0001.',
    identifiers:
      'GTIN and serial number, manufacturer and serial number, or the issuer and local id of a label a collector gave it.',
  },
  options: {
    collectionChannel: {
      municipal: 'municipal collection point',
      'retailer-take-back': 'retailer take-back',
      'producer-take-back': 'producer take-back',
      'reuse-centre': 'reuse centre',
      'repair-shop': 'repair shop',
      other: 'other',
    },
    market: { household: 'household', 'non-household': 'business or other non-household' },
    condition: { working: 'working', repairable: 'repairable', broken: 'broken', unknown: 'not known' },
    standard: { 'NIST SP 800-88': 'NIST SP 800-88', 'IEEE 2883': 'IEEE 2883' },
    mediumType: {
      hdd: 'hard disk (HDD)',
      ssd: 'SSD',
      nvme: 'NVMe',
      emmc: 'eMMC',
      flash: 'flash memory',
      hybrid: 'hybrid drive',
      other: 'other',
    },
    result: { passed: 'passed', failed: 'failed' },
    verificationMethod: { full: 'full read-back', sampling: 'sampling', none: 'none' },
    yesNo: { yes: 'yes', no: 'no' },
    salesChannel: {
      shop: 'shop',
      online: 'own web shop',
      marketplace: 'marketplace',
      auction: 'auction',
      'business-to-business': 'business to business',
      other: 'other',
    },
    buyerType: { consumer: 'consumer', business: 'business', 'public-sector': 'public sector', reseller: 'reseller' },
  },
};

const FI: DeskWords = {
  desk: 'Työpöytä',
  findTitle: 'Etsi laite',
  findIntro: 'Kirjoita laitteen tarran tunnisteet tai lue sen QR-koodi.',
  byIdentifiers: 'Tunnisteilla',
  byLink: 'QR-koodilla',
  find: 'Etsi',
  scan: 'Lue QR-koodi kameralla',
  scanStop: 'Lopeta lukeminen',
  scanning: 'Osoita kameralla QR-koodia.',
  scanFailed: 'Kameraa ei voitu käyttää. Kirjoita QR-koodin alla oleva osoite.',
  findAnother: 'Etsi toinen laite',
  errorSummary: 'Tarkista tiedot',
  formError: 'Ei kirjattu:',
  required: 'pakollinen',
  optional: 'vapaaehtoinen',
  choose: '– valitse –',
  row: (index) => `Rivi ${index}`,
  recorded: (what) => `Kirjattu: ${what}.`,
  replayed: 'Lomake oli jo lähetetty; se kirjattiin kerran.',
  device: 'Laite',
  state: 'Tila',
  status: 'Tilanne',
  lives: 'Elinkaaret',
  holdsData: 'Tallentaa käyttäjän tietoja',
  holdsDataValue: { yes: 'kyllä', no: 'ei', unknown: 'ei tiedossa (käsitellään kuin kyllä)' },
  wipedSinceHandover: {
    yes: 'Tiedot poistettu (hyväksytysti) viimeisimmän luovutuksen jälkeen: laitteen voi myydä.',
    no: 'Ei hyväksyttyä tietojen poistoa viimeisimmän luovutuksen jälkeen: myynti vaatii sen ensin.',
  },
  latestRepair: 'Viimeisin korjaus',
  none: 'ei ole',
  history: 'Historia',
  passportLink: 'Julkinen tuotepassi',
  record: 'Kirjaa',
  nothingToRecord: 'Organisaatiosi roolit eivät salli kirjauksia työpöydällä.',
  forms: {
    CollectDevice: { title: 'Kirjaa vastaanotto keräykseen', submit: 'Kirjaa vastaanotto' },
    RecordDataWipe: { title: 'Kirjaa tietojen poisto', submit: 'Kirjaa poisto' },
    RecordRepair: { title: 'Kirjaa korjaus', submit: 'Kirjaa korjaus' },
    RecordResale: { title: 'Kirjaa myynti', submit: 'Kirjaa myynti' },
  },
  groups: {
    tool: 'Poistotyökalu',
    media: 'Tallennusvälineet',
    verification: 'Varmennus',
    partsReplaced: 'Vaihdetut osat',
    cost: 'Hinta',
    price: 'Myyntihinta',
  },
  labels: {
    occurredAt: 'Milloin',
    collectionPointId: 'Keräyspiste',
    channel: 'Kanava',
    source: 'Mistä',
    country: 'Maa',
    measuredWeightKg: 'Mitattu paino (kg)',
    condition: 'Kunto',
    onBehalfOf: 'Tuottajayhteisön puolesta',
    standard: 'Standardi',
    method: 'Menetelmä',
    technique: 'Tekniikka',
    'tool.name': 'Työkalu',
    'tool.version': 'Versio',
    'media.type': 'Tyyppi',
    'media.serialNumber': 'Sarjanumero',
    'media.capacityGb': 'Koko (Gt)',
    'media.result': 'Tulos',
    'verification.method': 'Varmennus',
    'verification.verified': 'Varmennettu',
    result: 'Kokonaistulos',
    certificateId: 'Todistuksen tunniste',
    problem: 'Vika',
    actions: 'Mitä tehtiin',
    'partsReplaced.name': 'Osa',
    'partsReplaced.partNumber': 'Osanumero',
    'partsReplaced.condition': 'Kunto',
    outcome: 'Tulos',
    barrier: 'Korjauksen este (vain jos ei korjattavissa)',
    labourMinutes: 'Työaika (min)',
    'cost.amount': 'Summa',
    'cost.currency': 'Valuutta',
    salesChannel: 'Kanava',
    buyerType: 'Ostaja',
    'price.amount': 'Summa',
    'price.currency': 'Valuutta',
    warrantyMonths: 'Takuu (kuukautta)',
    gtin: 'GTIN',
    serialNumber: 'Sarjanumero',
    manufacturer: 'Valmistaja',
    issuer: 'Paikallisen tunnisteen antaja',
    localId: 'Paikallinen tunniste',
    link: 'QR-koodin osoite',
  },
  hints: {
    occurredAt: 'Päivä ja kellonaika aikavyöhykkeineen, esim. 2026-06-01T10:00:00Z tai 2026-06-01T13:00:00+03:00.',
    country: 'Kaksi kirjainta, esim. FI.',
    actions: 'Yksi toimenpide riville.',
    rows: 'Tyhjä rivi jätetään pois.',
    currency: 'Kolme isoa kirjainta, esim. EUR.',
    link: 'Esimerkiksi https://example.org/01/09506000134352/21/LAP-0001.',
    identifiers: 'GTIN ja sarjanumero, valmistaja ja sarjanumero tai keräyksen antaman tarran antaja ja tunniste.',
  },
  options: {
    collectionChannel: {
      municipal: 'kunnan keräyspiste',
      'retailer-take-back': 'kaupan vastaanotto',
      'producer-take-back': 'tuottajan vastaanotto',
      'reuse-centre': 'kierrätyskeskus',
      'repair-shop': 'korjaamo',
      other: 'muu',
    },
    market: { household: 'kotitalous', 'non-household': 'yritys tai muu kuin kotitalous' },
    condition: { working: 'toimiva', repairable: 'korjattavissa', broken: 'rikki', unknown: 'ei tiedossa' },
    standard: { 'NIST SP 800-88': 'NIST SP 800-88', 'IEEE 2883': 'IEEE 2883' },
    mediumType: {
      hdd: 'kiintolevy (HDD)',
      ssd: 'SSD',
      nvme: 'NVMe',
      emmc: 'eMMC',
      flash: 'flash-muisti',
      hybrid: 'hybridilevy',
      other: 'muu',
    },
    result: { passed: 'hyväksytty', failed: 'hylätty' },
    verificationMethod: { full: 'täysi lukutarkistus', sampling: 'otanta', none: 'ei varmennusta' },
    yesNo: { yes: 'kyllä', no: 'ei' },
    salesChannel: {
      shop: 'myymälä',
      online: 'oma verkkokauppa',
      marketplace: 'kauppapaikka',
      auction: 'huutokauppa',
      'business-to-business': 'yritykseltä yritykselle',
      other: 'muu',
    },
    buyerType: {
      consumer: 'kuluttaja',
      business: 'yritys',
      'public-sector': 'julkinen sektori',
      reseller: 'jälleenmyyjä',
    },
  },
};

const SV: DeskWords = {
  desk: 'Arbetsbord',
  findTitle: 'Hitta en enhet',
  findIntro: 'Skriv identifierarna på dess etikett, eller läs av dess QR-kod.',
  byIdentifiers: 'Med identifierare',
  byLink: 'Med QR-koden',
  find: 'Sök',
  scan: 'Läs av QR-koden med kameran',
  scanStop: 'Sluta läsa av',
  scanning: 'Rikta kameran mot QR-koden.',
  scanFailed: 'Kameran kunde inte användas. Skriv adressen under QR-koden i stället.',
  findAnother: 'Hitta en annan enhet',
  errorSummary: 'Kontrollera uppgifterna',
  formError: 'Inte registrerat:',
  required: 'obligatorisk',
  optional: 'frivillig',
  choose: '– välj –',
  row: (index) => `Rad ${index}`,
  recorded: (what) => `Registrerat: ${what}.`,
  replayed: 'Formuläret hade redan skickats; det registrerades en gång.',
  device: 'Enhet',
  state: 'Tillstånd',
  status: 'Status',
  lives: 'Livscykler',
  holdsData: 'Lagrar användardata',
  holdsDataValue: { yes: 'ja', no: 'nej', unknown: 'okänt (behandlas som ja)' },
  wipedSinceHandover: {
    yes: 'Data raderad (godkänd) sedan den senaste överlåtelsen: enheten får säljas.',
    no: 'Ingen godkänd dataradering sedan den senaste överlåtelsen: en försäljning kräver en först.',
  },
  latestRepair: 'Senaste reparation',
  none: 'ingen',
  history: 'Historik',
  passportLink: 'Offentligt produktpass',
  record: 'Registrera',
  nothingToRecord: 'Din organisations roller tillåter ingen registrering på arbetsbordet.',
  forms: {
    CollectDevice: { title: 'Registrera en insamling', submit: 'Registrera insamlingen' },
    RecordDataWipe: { title: 'Registrera en dataradering', submit: 'Registrera raderingen' },
    RecordRepair: { title: 'Registrera en reparation', submit: 'Registrera reparationen' },
    RecordResale: { title: 'Registrera en försäljning', submit: 'Registrera försäljningen' },
  },
  groups: {
    tool: 'Raderingsverktyg',
    media: 'Lagringsmedier',
    verification: 'Verifiering',
    partsReplaced: 'Utbytta delar',
    cost: 'Kostnad',
    price: 'Pris',
  },
  labels: {
    occurredAt: 'När',
    collectionPointId: 'Insamlingsställe',
    channel: 'Kanal',
    source: 'Från',
    country: 'Land',
    measuredWeightKg: 'Uppmätt vikt (kg)',
    condition: 'Skick',
    onBehalfOf: 'För producentsammanslutning',
    standard: 'Standard',
    method: 'Metod',
    technique: 'Teknik',
    'tool.name': 'Verktyg',
    'tool.version': 'Version',
    'media.type': 'Typ',
    'media.serialNumber': 'Serienummer',
    'media.capacityGb': 'Kapacitet (GB)',
    'media.result': 'Resultat',
    'verification.method': 'Verifiering',
    'verification.verified': 'Verifierad',
    result: 'Totalt resultat',
    certificateId: 'Certifikatets id',
    problem: 'Fel',
    actions: 'Vad som gjordes',
    'partsReplaced.name': 'Del',
    'partsReplaced.partNumber': 'Artikelnummer',
    'partsReplaced.condition': 'Skick',
    outcome: 'Resultat',
    barrier: 'Hinder för reparation (endast om den inte kan repareras)',
    labourMinutes: 'Arbetstid (minuter)',
    'cost.amount': 'Belopp',
    'cost.currency': 'Valuta',
    salesChannel: 'Kanal',
    buyerType: 'Köpare',
    'price.amount': 'Belopp',
    'price.currency': 'Valuta',
    warrantyMonths: 'Garanti (månader)',
    gtin: 'GTIN',
    serialNumber: 'Serienummer',
    manufacturer: 'Tillverkare',
    issuer: 'Utfärdare av ett lokalt id',
    localId: 'Lokalt id',
    link: 'Adressen i QR-koden',
  },
  hints: {
    occurredAt: 'Datum och tid med tidszon, t.ex. 2026-06-01T10:00:00Z eller 2026-06-01T13:00:00+03:00.',
    country: 'Två bokstäver, t.ex. FI.',
    actions: 'En åtgärd per rad.',
    rows: 'En tom rad hoppas över.',
    currency: 'Tre versaler, t.ex. EUR.',
    link: 'Till exempel https://example.org/01/09506000134352/21/LAP-0001.',
    identifiers:
      'GTIN och serienummer, tillverkare och serienummer, eller utfärdaren och id:t på en etikett som insamlingen gav den.',
  },
  options: {
    collectionChannel: {
      municipal: 'kommunal insamlingsplats',
      'retailer-take-back': 'butikens återtagning',
      'producer-take-back': 'producentens återtagning',
      'reuse-centre': 'återbrukscentral',
      'repair-shop': 'reparationsverkstad',
      other: 'annan',
    },
    market: { household: 'hushåll', 'non-household': 'företag eller annat än hushåll' },
    condition: { working: 'fungerande', repairable: 'reparerbar', broken: 'trasig', unknown: 'okänt' },
    standard: { 'NIST SP 800-88': 'NIST SP 800-88', 'IEEE 2883': 'IEEE 2883' },
    mediumType: {
      hdd: 'hårddisk (HDD)',
      ssd: 'SSD',
      nvme: 'NVMe',
      emmc: 'eMMC',
      flash: 'flashminne',
      hybrid: 'hybriddisk',
      other: 'annan',
    },
    result: { passed: 'godkänd', failed: 'underkänd' },
    verificationMethod: { full: 'fullständig återläsning', sampling: 'stickprov', none: 'ingen' },
    yesNo: { yes: 'ja', no: 'nej' },
    salesChannel: {
      shop: 'butik',
      online: 'egen webbutik',
      marketplace: 'marknadsplats',
      auction: 'auktion',
      'business-to-business': 'företag till företag',
      other: 'annan',
    },
    buyerType: {
      consumer: 'konsument',
      business: 'företag',
      'public-sector': 'offentlig sektor',
      reseller: 'återförsäljare',
    },
  },
};

export const DESK_WORDS: Readonly<Record<Language, DeskWords>> = { fi: FI, sv: SV, en: EN };
