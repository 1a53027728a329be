/**
 * The pages' words in Finnish, Swedish and English: one table per language of one type, so that a
 * string missing from a language is a compile error. Tables hold plain text (the renderer escapes
 * it like any other value); sentences that take values are functions, since word order differs.
 */
import type {
  DeviceEventType,
  LifecycleStatus,
  Market,
  OutputFate,
  PartCondition,
  RepairBarrier,
  RepairOutcome,
  SanitisationMethod,
  WeeeCategory,
} from '#kierto/domain';

export const LANGUAGES = ['fi', 'sv', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The language when the client names none of ours (and for Accept-Language: *). */
export const DEFAULT_LANGUAGE: Language = 'en';

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** The handover a wipe is counted from (rule 4): placing on the market, collection or a sale. */
export type Handover = 'placed' | 'collected' | 'resold';

export interface PageStrings {
  /** The language's own name, for the switch. */
  readonly languageName: string;
  /** Locale for dates, numbers and country names. */
  readonly locale: string;
  readonly languageSwitch: string;
  readonly passport: string;
  readonly sections: {
    readonly product: string;
    readonly status: string;
    readonly repair: string;
    readonly data: string;
    readonly materials: string;
    readonly carbon: string;
    readonly recycling: string;
    readonly history: string;
  };
  readonly fields: {
    readonly manufacturer: string;
    readonly brand: string;
    readonly model: string;
    readonly gtin: string;
    readonly serialNumber: string;
    readonly deviceId: string;
    readonly category: string;
    readonly weight: string;
    readonly yearOfManufacture: string;
    readonly warranty: string;
    readonly placedOnMarket: string;
    readonly lives: string;
  };
  readonly weeeCategory: Readonly<Record<WeeeCategory, string>>;
  readonly lifecycle: Readonly<Record<LifecycleStatus, string>>;
  readonly market: Readonly<Record<Market, string>>;
  readonly statusSince: (status: string, date: string) => string;
  readonly lives: (lives: number) => string;
  readonly warrantyMonths: (months: number) => string;
  readonly placed: (country: string, market: string, date: string) => string;
  readonly repairManual: string;
  readonly sparePartsUntil: (date: string) => string;
  readonly repairabilityClass: (grade: string) => string;
  readonly noRepairInformation: string;
  readonly repairs: string;
  readonly noRepairs: string;
  readonly repairOutcome: Readonly<Record<RepairOutcome, string>>;
  readonly repairBarrier: Readonly<Record<RepairBarrier, string>>;
  readonly partsReplaced: string;
  readonly partCondition: Readonly<Record<PartCondition, string>>;
  readonly wipe: {
    readonly noStorage: string;
    readonly noRecord: string;
    readonly erasedSinceHandover: (date: string, handover: Handover, verified: boolean) => string;
    readonly erasedBeforeSale: (date: string, soldOn: string, verified: boolean) => string;
    readonly notErasedSince: (handover: Handover, date: string) => string;
    readonly erasures: string;
    readonly method: Readonly<Record<SanitisationMethod, string>>;
    readonly failed: string;
  };
  readonly materialHeaders: {
    readonly material: string;
    readonly mass: string;
    readonly recycledContent: string;
    readonly critical: string;
  };
  readonly criticalRawMaterials: (kg: string) => string;
  readonly recycledContent: (kg: string) => string;
  readonly hazardousSubstances: string;
  readonly noMaterials: string;
  readonly yes: string;
  readonly no: string;
  readonly manufacturingFootprint: (kgCo2e: string) => string;
  readonly footprintNotDeclared: string;
  readonly recycledAt: (date: string, country: string) => string;
  readonly outputFate: Readonly<Record<OutputFate, string>>;
  readonly notRecycled: string;
  readonly event: Readonly<Record<DeviceEventType, string>>;
  readonly updated: (date: string) => string;
  readonly qrCode: string;
  readonly notFoundTitle: string;
  readonly notFound: (deviceId: string) => string;
}

const EN: PageStrings = {
  languageName: 'English',
  locale: 'en-GB',
  languageSwitch: 'Language',
  passport: 'Product passport',
  sections: {
    product: 'Product',
    status: 'Status',
    repair: 'Repair',
    data: 'Data on the device',
    materials: 'Materials',
    carbon: 'Carbon footprint',
    recycling: 'Recycling',
    history: 'History',
  },
  fields: {
    manufacturer: 'Manufacturer',
    brand: 'Brand',
    model: 'Model',
    gtin: 'GTIN',
    serialNumber: 'Serial number',
    deviceId: 'Kierto id',
    category: 'WEEE category',
    weight: 'Weight',
    yearOfManufacture: 'Made in',
    warranty: 'Warranty',
    placedOnMarket: 'Placed on the market',
    lives: 'Lives',
  },
  weeeCategory: {
    1: 'Temperature exchange equipment',
    2: 'Screens and monitors',
    3: 'Lamps',
    4: 'Large equipment',
    5: 'Small equipment',
    6: 'Small IT and telecommunication equipment',
  },
  lifecycle: { 'in-use': 'In use', collected: 'Handed in for collection', recycled: 'Recycled' },
  market: { household: 'for households', 'non-household': 'for professional use' },
  statusSince: (status, date) => `${status} since ${date}`,
  lives: (lives) =>
    lives === 1 ? 'First life: never resold' : `Life ${lives}: resold ${lives === 2 ? 'once' : `${lives - 1} times`}`,
  warrantyMonths: (months) => `${months} months`,
  placed: (country, market, date) => `${country}, ${market}, ${date}`,
  repairManual: 'Repair manual',
  sparePartsUntil: (date) => `Spare parts available until ${date}`,
  repairabilityClass: (grade) => `Repairability class ${grade}`,
  noRepairInformation: 'The producer has given no repair information.',
  repairs: 'Repairs',
  noRepairs: 'No repairs recorded.',
  repairOutcome: {
    fixed: 'Fixed',
    repairable: 'Repairable, not yet fixed',
    'end-of-life': 'Could not be repaired',
    unknown: 'Outcome not recorded',
  },
  repairBarrier: {
    'spare-parts-not-available': 'spare parts not available',
    'spare-parts-too-expensive': 'spare parts too expensive',
    'no-way-to-open-product': 'no way to open the product',
    'repair-information-not-available': 'repair information not available',
    'lack-of-equipment': 'lack of equipment',
    'item-too-worn-out': 'too worn out',
  },
  partsReplaced: 'Parts replaced',
  partCondition: { new: 'new', used: 'used', refurbished: 'refurbished' },
  wipe: {
    noStorage: 'This device stores no user data: there is nothing to erase.',
    noRecord: 'No data erasure has been recorded.',
    erasedSinceHandover: (date, handover, verified) =>
      `Data erased on ${date}, after it was ${
        handover === 'collected' ? 'handed in' : handover === 'resold' ? 'last sold' : 'placed on the market'
      }; ${verified ? 'the erasure was verified.' : 'the erasure was not verified.'}`,
    erasedBeforeSale: (date, soldOn, verified) =>
      `The previous owner's data was erased on ${date}, before it was sold on ${soldOn}; ${
        verified ? 'the erasure was verified.' : 'the erasure was not verified.'
      }`,
    notErasedSince: (handover, date) =>
      handover === 'collected'
        ? `Not erased since it was handed in on ${date}: earlier data may still be on it.`
        : handover === 'resold'
          ? `Not erased since it was sold on ${date}.`
          : `No data erasure recorded since it was placed on the market on ${date}.`,
    erasures: 'Erasures',
    method: {
      clear: 'overwritten (NIST Clear)',
      purge: 'purged (NIST Purge)',
      destruct: 'storage destroyed (NIST Destruct)',
    },
    failed: 'failed',
  },
  materialHeaders: {
    material: 'Material',
    mass: 'Mass',
    recycledContent: 'Recycled',
    critical: 'Critical raw material',
  },
  criticalRawMaterials: (kg) => `Critical raw materials: ${kg}`,
  recycledContent: (kg) => `Recycled content: ${kg}`,
  hazardousSubstances: 'Hazardous substances',
  noMaterials: 'The producer has declared no materials.',
  yes: 'yes',
  no: 'no',
  manufacturingFootprint: (kg) => `Manufacturing: ${kg} CO₂e`,
  footprintNotDeclared: 'Not declared.',
  recycledAt: (date, country) => `Recycled on ${date} in ${country}.`,
  outputFate: { recycled: 'recycled', 'energy-recovery': 'energy recovery', disposal: 'disposal' },
  notRecycled: 'Not recycled.',
  event: {
    DevicePlacedOnMarket: 'Placed on the market',
    DeviceCollected: 'Handed in for collection',
    DeviceDataWiped: 'Data erased',
    DeviceRepaired: 'Repaired',
    DeviceResold: 'Resold',
    DeviceRecycled: 'Recycled',
    DeviceHandedOver: 'Handed over',
  },
  updated: (date) => `Updated ${date}`,
  qrCode: 'QR code',
  notFoundTitle: 'No passport found',
  notFound: (deviceId) =>
    `Kierto has no passport for ${deviceId}. Check the code on the device; a device registered a moment ago may take a few seconds to appear.`,
};

const FI: PageStrings = {
  languageName: 'Suomi',
  locale: 'fi-FI',
  languageSwitch: 'Kieli',
  passport: 'Tuotepassi',
  sections: {
    product: 'Tuote',
    status: 'Tila',
    repair: 'Korjaus',
    data: 'Laitteen tiedot',
    materials: 'Materiaalit',
    carbon: 'Hiilijalanjälki',
    recycling: 'Kierrätys',
    history: 'Historia',
  },
  fields: {
    manufacturer: 'Valmistaja',
    brand: 'Tuotemerkki',
    model: 'Malli',
    gtin: 'GTIN',
    serialNumber: 'Sarjanumero',
    deviceId: 'Kierto-tunnus',
    category: 'SER-luokka',
    weight: 'Paino',
    yearOfManufacture: 'Valmistusvuosi',
    warranty: 'Takuu',
    placedOnMarket: 'Saatettu markkinoille',
    lives: 'Elinkaaret',
  },
  weeeCategory: {
    1: 'Lämmönvaihtolaitteet',
    2: 'Näytöt ja monitorit',
    3: 'Lamput',
    4: 'Suuret laitteet',
    5: 'Pienet laitteet',
    6: 'Pienet tietotekniikka- ja televiestintälaitteet',
  },
  lifecycle: { 'in-use': 'Käytössä', collected: 'Luovutettu keräykseen', recycled: 'Kierrätetty' },
  market: { household: 'kotitalouksille', 'non-household': 'ammattikäyttöön' },
  statusSince: (status, date) => `${status} ${date} alkaen`,
  lives: (lives) =>
    lives === 1
      ? 'Ensimmäinen elinkaari: ei myyty uudelleen'
      : `${lives}. elinkaari: myyty uudelleen ${lives === 2 ? 'kerran' : `${lives - 1} kertaa`}`,
  warrantyMonths: (months) => `${months} kuukautta`,
  placed: (country, market, date) => `${country}, ${market}, ${date}`,
  repairManual: 'Korjausohje',
  sparePartsUntil: (date) => `Varaosia saatavilla ${date} asti`,
  repairabilityClass: (grade) => `Korjattavuusluokka ${grade}`,
  noRepairInformation: 'Valmistaja ei ole antanut korjaustietoja.',
  repairs: 'Korjaukset',
  noRepairs: 'Korjauksia ei ole kirjattu.',
  repairOutcome: {
    fixed: 'Korjattu',
    repairable: 'Korjattavissa, ei vielä korjattu',
    'end-of-life': 'Ei korjattavissa',
    unknown: 'Tulosta ei kirjattu',
  },
  repairBarrier: {
    'spare-parts-not-available': 'varaosia ei saatavilla',
    'spare-parts-too-expensive': 'varaosat liian kalliita',
    'no-way-to-open-product': 'tuotetta ei saa auki',
    'repair-information-not-available': 'korjaustietoja ei saatavilla',
    'lack-of-equipment': 'välineet puuttuvat',
    'item-too-worn-out': 'liian kulunut',
  },
  partsReplaced: 'Vaihdetut osat',
  partCondition: { new: 'uusi', used: 'käytetty', refurbished: 'kunnostettu' },
  wipe: {
    noStorage: 'Laitteeseen ei tallennu käyttäjän tietoja: poistettavaa ei ole.',
    noRecord: 'Tietojen poistoa ei ole kirjattu.',
    erasedSinceHandover: (date, handover, verified) =>
      `Tiedot poistettiin ${date}, sen jälkeen kun laite ${
        handover === 'collected'
          ? 'luovutettiin keräykseen'
          : handover === 'resold'
            ? 'viimeksi myytiin'
            : 'saatettiin markkinoille'
      }; ${verified ? 'poisto on varmennettu.' : 'poistoa ei ole varmennettu.'}`,
    erasedBeforeSale: (date, soldOn, verified) =>
      `Edellisen omistajan tiedot poistettiin ${date}, ennen kuin laite myytiin ${soldOn}; ${
        verified ? 'poisto on varmennettu.' : 'poistoa ei ole varmennettu.'
      }`,
    notErasedSince: (handover, date) =>
      handover === 'collected'
        ? `Tietoja ei ole poistettu sen jälkeen, kun laite luovutettiin keräykseen ${date}: aiempia tietoja voi yhä olla laitteessa.`
        : handover === 'resold'
          ? `Tietoja ei ole poistettu sen jälkeen, kun laite myytiin ${date}.`
          : `Tietojen poistoa ei ole kirjattu sen jälkeen, kun laite saatettiin markkinoille ${date}.`,
    erasures: 'Poistot',
    method: {
      clear: 'ylikirjoitettu (NIST Clear)',
      purge: 'tyhjennetty (NIST Purge)',
      destruct: 'tallennusväline tuhottu (NIST Destruct)',
    },
    failed: 'epäonnistui',
  },
  materialHeaders: {
    material: 'Materiaali',
    mass: 'Massa',
    recycledContent: 'Kierrätetty',
    critical: 'Kriittinen raaka-aine',
  },
  criticalRawMaterials: (kg) => `Kriittiset raaka-aineet: ${kg}`,
  recycledContent: (kg) => `Kierrätettyä materiaalia: ${kg}`,
  hazardousSubstances: 'Vaaralliset aineet',
  noMaterials: 'Valmistaja ei ole ilmoittanut materiaaleja.',
  yes: 'kyllä',
  no: 'ei',
  manufacturingFootprint: (kg) => `Valmistus: ${kg} CO₂e`,
  footprintNotDeclared: 'Ei ilmoitettu.',
  recycledAt: (date, country) => `Kierrätetty ${date}, maa: ${country}.`,
  outputFate: { recycled: 'kierrätetty', 'energy-recovery': 'energiana hyödynnetty', disposal: 'loppusijoitettu' },
  notRecycled: 'Ei kierrätetty.',
  event: {
    DevicePlacedOnMarket: 'Saatettu markkinoille',
    DeviceCollected: 'Luovutettu keräykseen',
    DeviceDataWiped: 'Tiedot poistettu',
    DeviceRepaired: 'Korjattu',
    DeviceResold: 'Myyty uudelleen',
    DeviceRecycled: 'Kierrätetty',
    DeviceHandedOver: 'Luovutettu',
  },
  updated: (date) => `Päivitetty ${date}`,
  qrCode: 'QR-koodi',
  notFoundTitle: 'Passia ei löytynyt',
  notFound: (deviceId) =>
    `Kiertossa ei ole passia tunnukselle ${deviceId}. Tarkista laitteen koodi; juuri rekisteröity laite voi näkyä vasta muutaman sekunnin kuluttua.`,
};

const SV: PageStrings = {
  languageName: 'Svenska',
  locale: 'sv-FI',
  languageSwitch: 'Språk',
  passport: 'Produktpass',
  sections: {
    product: 'Produkt',
    status: 'Status',
    repair: 'Reparation',
    data: 'Data på enheten',
    materials: 'Material',
    carbon: 'Koldioxidavtryck',
    recycling: 'Återvinning',
    history: 'Historik',
  },
  fields: {
    manufacturer: 'Tillverkare',
    brand: 'Varumärke',
    model: 'Modell',
    gtin: 'GTIN',
    serialNumber: 'Serienummer',
    deviceId: 'Kierto-id',
    category: 'WEEE-kategori',
    weight: 'Vikt',
    yearOfManufacture: 'Tillverkningsår',
    warranty: 'Garanti',
    placedOnMarket: 'Släppt ut på marknaden',
    lives: 'Livscykler',
  },
  weeeCategory: {
    1: 'Utrustning för temperaturväxling',
    2: 'Bildskärmar och monitorer',
    3: 'Lampor',
    4: 'Stor utrustning',
    5: 'Liten utrustning',
    6: 'Liten IT- och telekommunikationsutrustning',
  },
  lifecycle: { 'in-use': 'I bruk', collected: 'Lämnad till insamling', recycled: 'Återvunnen' },
  market: { household: 'för hushåll', 'non-household': 'för yrkesbruk' },
  statusSince: (status, date) => `${status} sedan ${date}`,
  lives: (lives) =>
    lives === 1
      ? 'Första livscykeln: aldrig såld vidare'
      : `Livscykel ${lives}: såld vidare ${lives === 2 ? 'en gång' : `${lives - 1} gånger`}`,
  warrantyMonths: (months) => `${months} månader`,
  placed: (country, market, date) => `${country}, ${market}, ${date}`,
  repairManual: 'Reparationsanvisning',
  sparePartsUntil: (date) => `Reservdelar finns till ${date}`,
  repairabilityClass: (grade) => `Reparerbarhetsklass ${grade}`,
  noRepairInformation: 'Tillverkaren har inte gett någon reparationsinformation.',
  repairs: 'Reparationer',
  noRepairs: 'Inga reparationer registrerade.',
  repairOutcome: {
    fixed: 'Reparerad',
    repairable: 'Reparerbar, ännu inte reparerad',
    'end-of-life': 'Kunde inte repareras',
    unknown: 'Resultatet inte registrerat',
  },
  repairBarrier: {
    'spare-parts-not-available': 'reservdelar saknas',
    'spare-parts-too-expensive': 'reservdelar för dyra',
    'no-way-to-open-product': 'produkten går inte att öppna',
    'repair-information-not-available': 'reparationsinformation saknas',
    'lack-of-equipment': 'utrustning saknas',
    'item-too-worn-out': 'för sliten',
  },
  partsReplaced: 'Utbytta delar',
  partCondition: { new: 'ny', used: 'begagnad', refurbished: 'renoverad' },
  wipe: {
    noStorage: 'Enheten lagrar inga användardata: det finns inget att radera.',
    noRecord: 'Ingen dataradering har registrerats.',
    erasedSinceHandover: (date, handover, verified) =>
      `Data raderades ${date}, efter att enheten ${
        handover === 'collected' ? 'lämnades in' : handover === 'resold' ? 'senast såldes' : 'släpptes ut på marknaden'
      }; ${verified ? 'raderingen är verifierad.' : 'raderingen är inte verifierad.'}`,
    erasedBeforeSale: (date, soldOn, verified) =>
      `Den förra ägarens data raderades ${date}, innan enheten såldes ${soldOn}; ${
        verified ? 'raderingen är verifierad.' : 'raderingen är inte verifierad.'
      }`,
    notErasedSince: (handover, date) =>
      handover === 'collected'
        ? `Inte raderad sedan enheten lämnades in ${date}: tidigare data kan finnas kvar.`
        : handover === 'resold'
          ? `Inte raderad sedan enheten såldes ${date}.`
          : `Ingen dataradering registrerad sedan enheten släpptes ut på marknaden ${date}.`,
    erasures: 'Raderingar',
    method: {
      clear: 'överskriven (NIST Clear)',
      purge: 'tömd (NIST Purge)',
      destruct: 'lagringsmediet förstört (NIST Destruct)',
    },
    failed: 'misslyckades',
  },
  materialHeaders: { material: 'Material', mass: 'Massa', recycledContent: 'Återvunnet', critical: 'Kritisk råvara' },
  criticalRawMaterials: (kg) => `Kritiska råvaror: ${kg}`,
  recycledContent: (kg) => `Återvunnet material: ${kg}`,
  hazardousSubstances: 'Farliga ämnen',
  noMaterials: 'Tillverkaren har inte angett några material.',
  yes: 'ja',
  no: 'nej',
  manufacturingFootprint: (kg) => `Tillverkning: ${kg} CO₂e`,
  footprintNotDeclared: 'Inte angivet.',
  recycledAt: (date, country) => `Återvunnen ${date} i ${country}.`,
  outputFate: { recycled: 'återvunnet', 'energy-recovery': 'energiåtervinning', disposal: 'deponering' },
  notRecycled: 'Inte återvunnen.',
  event: {
    DevicePlacedOnMarket: 'Släppt ut på marknaden',
    DeviceCollected: 'Lämnad till insamling',
    DeviceDataWiped: 'Data raderad',
    DeviceRepaired: 'Reparerad',
    DeviceResold: 'Såld vidare',
    DeviceRecycled: 'Återvunnen',
    DeviceHandedOver: 'Överlämnad',
  },
  updated: (date) => `Uppdaterad ${date}`,
  qrCode: 'QR-kod',
  notFoundTitle: 'Inget pass hittades',
  notFound: (deviceId) =>
    `Kierto har inget pass för ${deviceId}. Kontrollera koden på enheten; en nyss registrerad enhet kan synas först efter några sekunder.`,
};

export const STRINGS: Readonly<Record<Language, PageStrings>> = { fi: FI, sv: SV, en: EN };

/**
 * The page's language: `?lang=` when it names one of ours (the switch's links), else the client's
 * best by Accept-Language, else English. An unknown `lang` is not an error: the link may be old or
 * typed by hand, and the page is still worth showing.
 */
export function pageLanguage(asked: unknown, acceptsLanguages: (languages: string[]) => string | false): Language {
  if (isLanguage(asked)) return asked;
  // The default first: Express answers the first of the list when the header is absent or `*`.
  const best = acceptsLanguages([DEFAULT_LANGUAGE, ...LANGUAGES.filter((language) => language !== DEFAULT_LANGUAGE)]);
  return isLanguage(best) ? best : DEFAULT_LANGUAGE;
}
