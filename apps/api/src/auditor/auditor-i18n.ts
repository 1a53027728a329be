/**
 * The auditor pages' words in Finnish, Swedish and English, one table per language of one type (a
 * missing string does not compile), like apps/api/src/pages/i18n.ts, whose shared words (event names,
 * lifecycle, wipe sentences) these pages also use. Sentences that take values are functions.
 */
import type { ChainFailureReason, DeviceEventFailure } from '#kierto/audit';
import type { Language } from '../pages/i18n.js';

/** Why a field of a form was refused, in words; the page says which field. */
export type AuditorFieldProblem =
  | 'device-id-malformed'
  | 'device-or-gtin'
  | 'gtin-invalid'
  | 'serial-invalid'
  | 'as-of-invalid'
  | 'as-of-both'
  | 'event-out-of-range';

export interface AuditorStrings {
  readonly title: string;
  readonly chain: {
    readonly heading: string;
    readonly intact: (events: string) => string;
    readonly broken: (position: string) => string;
    readonly empty: string;
    readonly eventsVerified: string;
    readonly headPosition: string;
    readonly headHash: string;
    readonly verifiedUpTo: string;
    readonly firstFailure: string;
    readonly reason: string;
    readonly detail: string;
    readonly eventThere: string;
    readonly checkedAt: string;
    readonly reasons: Readonly<Record<ChainFailureReason, string>>;
  };
  readonly checkpoints: {
    readonly heading: string;
    readonly explanation: string;
    readonly sign: string;
    readonly publicKey: (keyId: string) => string;
  };
  readonly open: {
    readonly heading: string;
    readonly deviceId: string;
    readonly deviceIdHint: string;
    readonly or: string;
    readonly gtin: string;
    readonly serial: string;
    readonly timeline: string;
    readonly bundle: string;
  };
  readonly bundle: { readonly heading: string; readonly explanation: string; readonly download: string };
  readonly device: {
    readonly heading: string;
    readonly allVerified: (events: number) => string;
    readonly someFailed: (failures: number, events: number) => string;
    readonly timeline: string;
    readonly position: string;
    readonly revision: string;
    readonly recorded: string;
    readonly occurred: string;
    readonly actor: string;
    readonly actorValue: (organisation: string, role: string, key: string) => string;
    readonly hash: string;
    readonly prevHash: string;
    readonly verified: string;
    readonly mismatch: string;
    readonly failures: Readonly<Record<DeviceEventFailure, string>>;
    readonly passportAfter: string;
    readonly links: string;
    readonly currentPage: string;
    readonly auditJson: string;
  };
  readonly asOf: {
    readonly heading: string;
    readonly explanation: string;
    readonly dateLabel: string;
    readonly dateHint: (timeZone: string) => string;
    readonly sliderLabel: string;
    readonly sliderValue: (revision: number, type: string, date: string) => string;
    readonly show: string;
    readonly atDate: (date: string) => string;
    readonly afterEvent: (revision: number, type: string) => string;
    readonly now: string;
    readonly counted: (counted: number, events: number) => string;
    readonly noEventsYet: string;
    readonly status: string;
    readonly lastRecordedBy: string;
    readonly data: string;
    readonly repairs: string;
    readonly noRepairs: string;
    readonly recycled: string;
    readonly notRecycled: string;
    readonly json: string;
  };
  readonly errors: {
    readonly badRequestTitle: string;
    readonly notFoundTitle: string;
    readonly notFound: (deviceId: string) => string;
    readonly conflictTitle: string;
    readonly bundleRefused: (position: string) => string;
    readonly checkpointRefusedEmpty: string;
    readonly fixFields: string;
    readonly fields: Readonly<Record<AuditorFieldProblem, string>>;
  };
}

const EN: AuditorStrings = {
  title: 'Audit',
  chain: {
    heading: 'Hash chain of the whole store',
    intact: (events) => `Intact: all ${events} events verified.`,
    broken: (position) => `BROKEN at position ${position}: the stored history was changed.`,
    empty: 'The store holds no events yet: there is nothing to verify.',
    eventsVerified: 'Events verified',
    headPosition: 'Head position',
    headHash: 'Head hash',
    verifiedUpTo: 'Intact up to position',
    firstFailure: 'First failing position',
    reason: 'What fails there',
    detail: 'Technical detail',
    eventThere: 'The device of the event there',
    checkedAt: 'Checked',
    reasons: {
      'hash-mismatch': "The event's stored hash is not the hash of its content: it was edited after it was stored.",
      'broken-link':
        'The event does not link to the hash of the event before it: an event was inserted, moved or re-hashed.',
      'position-gap': 'No event at this position while later ones exist: an event was deleted.',
      'position-order': 'The store returned positions out of order or twice.',
      'revision-gap': "A device's events are not numbered 0, 1, 2, … in order.",
      truncated: "The events end before the store's head: the tail was cut off.",
      'checkpoint-mismatch': 'The event at the checkpoint has another hash: the history before it was rewritten.',
      'checkpoint-signature': 'The checkpoint’s signature does not verify.',
      unreadable: 'The stored row cannot be read as an event.',
    },
  },
  checkpoints: {
    heading: 'Checkpoints',
    explanation:
      'Kierto keeps no checkpoints itself: an auditor keeps them where the database’s administrators cannot change them, and later checks the store against them (kierto verify --checkpoint). Download one of the current head, signed with this deployment’s key.',
    sign: 'Download a signed checkpoint of the current head',
    publicKey: (keyId) => `Public key ${keyId} (PEM)`,
  },
  open: {
    heading: 'Open a device',
    deviceId: 'Kierto id',
    deviceIdHint: 'For example gtin:09506000134352:LAP-0001',
    or: 'or',
    gtin: 'GTIN',
    serial: 'Serial number',
    timeline: 'Show its history',
    bundle: 'Download its offline bundle',
  },
  bundle: {
    heading: 'Offline bundle',
    explanation:
      'One JSON file with the device’s events, a checkpoint signed now and a proof for each event that it is in the signed history; kierto verify-bundle checks it without the database.',
    download: 'Download the offline bundle',
  },
  device: {
    heading: 'Device history',
    allVerified: (events) => `All ${events} events of this device verified against the chain.`,
    someFailed: (failures, events) =>
      `${failures} of ${events} events of this device do NOT verify: the stored history was changed.`,
    timeline: 'Events',
    position: 'Position',
    revision: 'Revision',
    recorded: 'Recorded',
    occurred: 'Occurred',
    actor: 'Recorded by',
    actorValue: (organisation, role, key) => `${organisation} (${role}, key ${key})`,
    hash: 'Hash',
    prevHash: 'Previous hash',
    verified: 'Verified',
    mismatch: 'MISMATCH',
    failures: {
      'hash-mismatch': 'its stored hash is not the hash of its content: it was edited after it was stored',
      'broken-link': 'it does not link to the event before it: an event was inserted, moved or re-hashed',
      'position-gap': 'the event just before it is missing: an event was deleted',
      'position-order': 'the store holds it at another position',
      'revision-gap': 'an earlier event of this device is missing',
      truncated: 'the history ends before it',
      'checkpoint-mismatch': 'it differs from a signed checkpoint',
      'checkpoint-signature': 'a checkpoint does not verify',
      unreadable: 'it cannot be read',
      'next-link': 'the event after it links to another hash: its hash was rewritten',
    },
    passportAfter: 'Passport after this event',
    links: 'Other forms',
    currentPage: 'The passport page today',
    auditJson: 'History as JSON',
  },
  asOf: {
    heading: 'Passport as of a moment',
    explanation: 'What the passport said then: the events recorded up to that moment, folded as the read model does.',
    dateLabel: 'Recorded at or before',
    dateHint: (timeZone) => `Date and time in ${timeZone}`,
    sliderLabel: 'Or after the event',
    sliderValue: (revision, type, date) => `r${revision}: ${type}, ${date}`,
    show: 'Show',
    atDate: (date) => `As of ${date}`,
    afterEvent: (revision, type) => `After event r${revision} (${type})`,
    now: 'Now',
    counted: (counted, events) => `${counted} of ${events} events counted.`,
    noEventsYet: 'The device had no events recorded by then.',
    status: 'Status',
    lastRecordedBy: 'Last recorded by',
    data: 'Data on the device',
    repairs: 'Repairs',
    noRepairs: 'None',
    recycled: 'Recycling',
    notRecycled: 'Not recycled',
    json: 'This passport as JSON',
  },
  errors: {
    badRequestTitle: 'Check the form',
    notFoundTitle: 'Device not found',
    notFound: (deviceId) => `Kierto has no events of the device ${deviceId}.`,
    conflictTitle: 'Nothing exported',
    bundleRefused: (position) =>
      `The store does not verify at position ${position}, so no checkpoint is signed and no bundle is exported.`,
    checkpointRefusedEmpty: 'The store holds no events: there is no head to sign.',
    fixFields: 'Correct the field below and send again.',
    fields: {
      'device-id-malformed': 'Not a Kierto id: it starts with gtin:, mfr: or local:.',
      'device-or-gtin': 'Give a Kierto id, or a GTIN and a serial number.',
      'gtin-invalid': 'Not a GTIN: 8, 12, 13 or 14 digits with a correct check digit.',
      'serial-invalid': 'Not a serial number of a GTIN: 1 to 20 letters, digits or GS1 punctuation, no spaces.',
      'as-of-invalid': 'Not a date and time, e.g. 2026-06-15T12:00 or 2026-06-15T12:00:00Z.',
      'as-of-both': 'Give a date and time or an event, not both.',
      'event-out-of-range': 'No such event of this device.',
    },
  },
};

const FI: AuditorStrings = {
  title: 'Tarkastus',
  chain: {
    heading: 'Koko tietovaraston tiivisteketju',
    intact: (events) => `Eheä: kaikki ${events} tapahtumaa tarkistettu.`,
    broken: (position) => `RIKKI kohdassa ${position}: tallennettua historiaa on muutettu.`,
    empty: 'Tietovarastossa ei ole vielä tapahtumia: tarkistettavaa ei ole.',
    eventsVerified: 'Tarkistettuja tapahtumia',
    headPosition: 'Viimeisin kohta',
    headHash: 'Viimeisin tiiviste',
    verifiedUpTo: 'Eheä kohtaan asti',
    firstFailure: 'Ensimmäinen virheellinen kohta',
    reason: 'Mikä siinä ei täsmää',
    detail: 'Tekninen kuvaus',
    eventThere: 'Kohdan tapahtuman laite',
    checkedAt: 'Tarkistettu',
    reasons: {
      'hash-mismatch': 'Tapahtuman tallennettu tiiviste ei vastaa sen sisältöä: sitä on muokattu tallennuksen jälkeen.',
      'broken-link':
        'Tapahtuma ei viittaa edellisen tapahtuman tiivisteeseen: tapahtuma on lisätty, siirretty tai tiivistetty uudelleen.',
      'position-gap': 'Tästä kohdasta puuttuu tapahtuma, vaikka myöhempiä on: tapahtuma on poistettu.',
      'position-order': 'Tietovarasto palautti kohdat väärässä järjestyksessä tai kahdesti.',
      'revision-gap': 'Laitteen tapahtumat eivät ole järjestyksessä 0, 1, 2, …',
      truncated: 'Tapahtumat loppuvat ennen tietovaraston viimeistä kohtaa: loppu on katkaistu.',
      'checkpoint-mismatch':
        'Tarkistuspisteen kohdan tapahtumalla on toinen tiiviste: sitä edeltävä historia on kirjoitettu uudelleen.',
      'checkpoint-signature': 'Tarkistuspisteen allekirjoitus ei täsmää.',
      unreadable: 'Tallennettua riviä ei voi lukea tapahtumana.',
    },
  },
  checkpoints: {
    heading: 'Tarkistuspisteet',
    explanation:
      'Kierto ei itse säilytä tarkistuspisteitä: tarkastaja säilyttää ne paikassa, jota tietokannan ylläpitäjät eivät voi muuttaa, ja vertaa tietovarastoa niihin myöhemmin (kierto verify --checkpoint). Lataa nykyisen tilan tarkistuspiste tämän palvelun avaimella allekirjoitettuna.',
    sign: 'Lataa allekirjoitettu tarkistuspiste nykyisestä tilasta',
    publicKey: (keyId) => `Julkinen avain ${keyId} (PEM)`,
  },
  open: {
    heading: 'Avaa laite',
    deviceId: 'Kierto-tunniste',
    deviceIdHint: 'Esimerkiksi gtin:09506000134352:LAP-0001',
    or: 'tai',
    gtin: 'GTIN',
    serial: 'Sarjanumero',
    timeline: 'Näytä historia',
    bundle: 'Lataa offline-paketti',
  },
  bundle: {
    heading: 'Offline-paketti',
    explanation:
      'Yksi JSON-tiedosto, jossa ovat laitteen tapahtumat, nyt allekirjoitettu tarkistuspiste ja jokaiselle tapahtumalle todiste siitä, että se kuuluu allekirjoitettuun historiaan; kierto verify-bundle tarkistaa sen ilman tietokantaa.',
    download: 'Lataa offline-paketti',
  },
  device: {
    heading: 'Laitteen historia',
    allVerified: (events) => `Laitteen kaikki ${events} tapahtumaa tarkistettu ketjua vasten.`,
    someFailed: (failures, events) =>
      `Laitteen ${events} tapahtumasta ${failures} EI täsmää: tallennettua historiaa on muutettu.`,
    timeline: 'Tapahtumat',
    position: 'Kohta',
    revision: 'Versio',
    recorded: 'Tallennettu',
    occurred: 'Tapahtui',
    actor: 'Tallentaja',
    actorValue: (organisation, role, key) => `${organisation} (${role}, avain ${key})`,
    hash: 'Tiiviste',
    prevHash: 'Edellinen tiiviste',
    verified: 'Tarkistettu',
    mismatch: 'EI TÄSMÄÄ',
    failures: {
      'hash-mismatch': 'tallennettu tiiviste ei vastaa sisältöä: tapahtumaa on muokattu tallennuksen jälkeen',
      'broken-link': 'se ei viittaa edelliseen tapahtumaan: tapahtuma on lisätty, siirretty tai tiivistetty uudelleen',
      'position-gap': 'juuri sitä edeltävä tapahtuma puuttuu: tapahtuma on poistettu',
      'position-order': 'tietovarasto pitää sitä toisessa kohdassa',
      'revision-gap': 'laitteen aiempi tapahtuma puuttuu',
      truncated: 'historia päättyy ennen sitä',
      'checkpoint-mismatch': 'se poikkeaa allekirjoitetusta tarkistuspisteestä',
      'checkpoint-signature': 'tarkistuspisteen allekirjoitus ei täsmää',
      unreadable: 'sitä ei voi lukea',
      'next-link': 'seuraava tapahtuma viittaa toiseen tiivisteeseen: tämän tiiviste on kirjoitettu uudelleen',
    },
    passportAfter: 'Passi tämän tapahtuman jälkeen',
    links: 'Muut muodot',
    currentPage: 'Passisivu tänään',
    auditJson: 'Historia JSON-muodossa',
  },
  asOf: {
    heading: 'Passi tiettynä hetkenä',
    explanation:
      'Mitä passi silloin kertoi: siihen hetkeen mennessä tallennetut tapahtumat koottuina kuten lukumalli tekee.',
    dateLabel: 'Tallennettu viimeistään',
    dateHint: (timeZone) => `Päivä ja kellonaika aikavyöhykkeellä ${timeZone}`,
    sliderLabel: 'Tai tapahtuman jälkeen',
    sliderValue: (revision, type, date) => `r${revision}: ${type}, ${date}`,
    show: 'Näytä',
    atDate: (date) => `Tilanne ${date}`,
    afterEvent: (revision, type) => `Tapahtuman r${revision} (${type}) jälkeen`,
    now: 'Nyt',
    counted: (counted, events) => `${events} tapahtumasta ${counted} mukana.`,
    noEventsYet: 'Laitteelle ei ollut silloin tallennettu yhtään tapahtumaa.',
    status: 'Tila',
    lastRecordedBy: 'Viimeksi tallentanut',
    data: 'Laitteen tiedot',
    repairs: 'Korjaukset',
    noRepairs: 'Ei yhtään',
    recycled: 'Kierrätys',
    notRecycled: 'Ei kierrätetty',
    json: 'Tämä passi JSON-muodossa',
  },
  errors: {
    badRequestTitle: 'Tarkista lomake',
    notFoundTitle: 'Laitetta ei löytynyt',
    notFound: (deviceId) => `Kiertossa ei ole laitteen ${deviceId} tapahtumia.`,
    conflictTitle: 'Mitään ei viety',
    bundleRefused: (position) =>
      `Tietovarasto ei täsmää kohdassa ${position}, joten tarkistuspistettä ei allekirjoiteta eikä pakettia viedä.`,
    checkpointRefusedEmpty: 'Tietovarastossa ei ole tapahtumia: allekirjoitettavaa ei ole.',
    fixFields: 'Korjaa alla oleva kenttä ja lähetä uudelleen.',
    fields: {
      'device-id-malformed': 'Ei Kierto-tunniste: se alkaa gtin:, mfr: tai local:.',
      'device-or-gtin': 'Anna Kierto-tunniste tai GTIN ja sarjanumero.',
      'gtin-invalid': 'Ei GTIN: 8, 12, 13 tai 14 numeroa ja oikea tarkistusnumero.',
      'serial-invalid': 'Ei GTIN-tuotteen sarjanumero: 1–20 kirjainta, numeroa tai GS1-välimerkkiä, ei välilyöntejä.',
      'as-of-invalid': 'Ei päivä ja kellonaika, esim. 2026-06-15T12:00 tai 2026-06-15T12:00:00Z.',
      'as-of-both': 'Anna päivä ja kellonaika tai tapahtuma, ei molempia.',
      'event-out-of-range': 'Laitteella ei ole tällaista tapahtumaa.',
    },
  },
};

const SV: AuditorStrings = {
  title: 'Granskning',
  chain: {
    heading: 'Hashkedjan över hela lagret',
    intact: (events) => `Intakt: alla ${events} händelser verifierade.`,
    broken: (position) => `BRUTEN vid position ${position}: den lagrade historiken har ändrats.`,
    empty: 'Lagret har inga händelser ännu: det finns inget att verifiera.',
    eventsVerified: 'Verifierade händelser',
    headPosition: 'Senaste position',
    headHash: 'Senaste hash',
    verifiedUpTo: 'Intakt till position',
    firstFailure: 'Första felande position',
    reason: 'Vad som inte stämmer där',
    detail: 'Teknisk beskrivning',
    eventThere: 'Enheten för händelsen där',
    checkedAt: 'Kontrollerad',
    reasons: {
      'hash-mismatch':
        'Händelsens lagrade hash är inte hashen av dess innehåll: den har ändrats efter att den lagrades.',
      'broken-link':
        'Händelsen länkar inte till hashen av händelsen före: en händelse har lagts till, flyttats eller hashats om.',
      'position-gap': 'Ingen händelse på denna position fast senare finns: en händelse har raderats.',
      'position-order': 'Lagret returnerade positioner i fel ordning eller två gånger.',
      'revision-gap': 'En enhets händelser är inte numrerade 0, 1, 2, … i ordning.',
      truncated: 'Händelserna slutar före lagrets senaste position: slutet har klippts av.',
      'checkpoint-mismatch': 'Händelsen vid kontrollpunkten har en annan hash: historiken före den har skrivits om.',
      'checkpoint-signature': 'Kontrollpunktens signatur stämmer inte.',
      unreadable: 'Den lagrade raden kan inte läsas som en händelse.',
    },
  },
  checkpoints: {
    heading: 'Kontrollpunkter',
    explanation:
      'Kierto sparar inga kontrollpunkter själv: en granskare sparar dem där databasens administratörer inte kan ändra dem och kontrollerar senare lagret mot dem (kierto verify --checkpoint). Ladda ner en kontrollpunkt av nuvarande läge, signerad med den här installationens nyckel.',
    sign: 'Ladda ner en signerad kontrollpunkt av nuvarande läge',
    publicKey: (keyId) => `Publik nyckel ${keyId} (PEM)`,
  },
  open: {
    heading: 'Öppna en enhet',
    deviceId: 'Kierto-id',
    deviceIdHint: 'Till exempel gtin:09506000134352:LAP-0001',
    or: 'eller',
    gtin: 'GTIN',
    serial: 'Serienummer',
    timeline: 'Visa historiken',
    bundle: 'Ladda ner offlinepaketet',
  },
  bundle: {
    heading: 'Offlinepaket',
    explanation:
      'En JSON-fil med enhetens händelser, en kontrollpunkt signerad nu och för varje händelse ett bevis på att den ingår i den signerade historiken; kierto verify-bundle kontrollerar den utan databasen.',
    download: 'Ladda ner offlinepaketet',
  },
  device: {
    heading: 'Enhetens historik',
    allVerified: (events) => `Alla ${events} händelser för enheten verifierade mot kedjan.`,
    someFailed: (failures, events) =>
      `${failures} av ${events} händelser för enheten stämmer INTE: den lagrade historiken har ändrats.`,
    timeline: 'Händelser',
    position: 'Position',
    revision: 'Revision',
    recorded: 'Registrerad',
    occurred: 'Inträffade',
    actor: 'Registrerad av',
    actorValue: (organisation, role, key) => `${organisation} (${role}, nyckel ${key})`,
    hash: 'Hash',
    prevHash: 'Föregående hash',
    verified: 'Verifierad',
    mismatch: 'STÄMMER INTE',
    failures: {
      'hash-mismatch': 'dess lagrade hash är inte hashen av innehållet: den har ändrats efter att den lagrades',
      'broken-link': 'den länkar inte till händelsen före: en händelse har lagts till, flyttats eller hashats om',
      'position-gap': 'händelsen just före saknas: en händelse har raderats',
      'position-order': 'lagret har den på en annan position',
      'revision-gap': 'en tidigare händelse för enheten saknas',
      truncated: 'historiken slutar före den',
      'checkpoint-mismatch': 'den avviker från en signerad kontrollpunkt',
      'checkpoint-signature': 'en kontrollpunkt stämmer inte',
      unreadable: 'den kan inte läsas',
      'next-link': 'händelsen efter länkar till en annan hash: dess hash har skrivits om',
    },
    passportAfter: 'Passet efter denna händelse',
    links: 'Andra former',
    currentPage: 'Passidan i dag',
    auditJson: 'Historiken som JSON',
  },
  asOf: {
    heading: 'Passet vid en tidpunkt',
    explanation:
      'Vad passet sade då: händelserna registrerade fram till den tidpunkten, sammanställda som läsmodellen gör.',
    dateLabel: 'Registrerade senast',
    dateHint: (timeZone) => `Datum och tid i tidszonen ${timeZone}`,
    sliderLabel: 'Eller efter händelsen',
    sliderValue: (revision, type, date) => `r${revision}: ${type}, ${date}`,
    show: 'Visa',
    atDate: (date) => `Per ${date}`,
    afterEvent: (revision, type) => `Efter händelse r${revision} (${type})`,
    now: 'Nu',
    counted: (counted, events) => `${counted} av ${events} händelser medräknade.`,
    noEventsYet: 'Enheten hade inga registrerade händelser då.',
    status: 'Status',
    lastRecordedBy: 'Senast registrerad av',
    data: 'Data på enheten',
    repairs: 'Reparationer',
    noRepairs: 'Inga',
    recycled: 'Återvinning',
    notRecycled: 'Inte återvunnen',
    json: 'Detta pass som JSON',
  },
  errors: {
    badRequestTitle: 'Kontrollera formuläret',
    notFoundTitle: 'Enheten hittades inte',
    notFound: (deviceId) => `Kierto har inga händelser för enheten ${deviceId}.`,
    conflictTitle: 'Inget exporterades',
    bundleRefused: (position) =>
      `Lagret stämmer inte vid position ${position}, så ingen kontrollpunkt signeras och inget paket exporteras.`,
    checkpointRefusedEmpty: 'Lagret har inga händelser: det finns inget att signera.',
    fixFields: 'Rätta fältet nedan och skicka igen.',
    fields: {
      'device-id-malformed': 'Inte ett Kierto-id: det börjar med gtin:, mfr: eller local:.',
      'device-or-gtin': 'Ange ett Kierto-id, eller GTIN och serienummer.',
      'gtin-invalid': 'Inte ett GTIN: 8, 12, 13 eller 14 siffror med rätt kontrollsiffra.',
      'serial-invalid':
        'Inte ett serienummer för ett GTIN: 1–20 bokstäver, siffror eller GS1-skiljetecken, inga mellanslag.',
      'as-of-invalid': 'Inte ett datum och en tid, t.ex. 2026-06-15T12:00 eller 2026-06-15T12:00:00Z.',
      'as-of-both': 'Ange ett datum och en tid eller en händelse, inte båda.',
      'event-out-of-range': 'Enheten har ingen sådan händelse.',
    },
  },
};

export const AUDITOR_STRINGS: Readonly<Record<Language, AuditorStrings>> = { en: EN, fi: FI, sv: SV };
