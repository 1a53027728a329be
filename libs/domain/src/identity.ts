import { invalid } from './errors.js';

/**
 * A device is one physical unit. Its id derives deterministically from what identifies it, so two
 * parties that register the same unit reach the same stream:
 *   GTIN + serial           -> "gtin:{gtin14}:{serial}"
 *   manufacturer + serial   -> "mfr:{normalised manufacturer}:{serial}"
 *   issuer + local id       -> "local:{normalised issuer}:{local id}" (a unit with neither, ADR 0016)
 * Each component is escaped so that the id is unambiguous and safe in a URL path without further
 * encoding: characters outside [A-Za-z0-9-_.!*'()] become "~XX" (UTF-8 bytes in hex).
 */
export type DeviceIdentifier =
  | { readonly gtin: string; readonly serialNumber: string }
  | { readonly manufacturer: string; readonly serialNumber: string }
  | { readonly issuer: string; readonly localId: string };

export type DeviceId = string;

const MAX_SERIAL_LENGTH = 64;
const MAX_MANUFACTURER_LENGTH = 200;

/** Validates a GTIN-8/12/13/14 (digits and mod-10 check digit) and returns it padded to 14 digits. */
export function normaliseGtin(gtin: string, field = 'gtin'): string {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(gtin)) {
    throw invalid('INVALID_GTIN', field, 'A GTIN has 8, 12, 13 or 14 digits');
  }
  const gtin14 = gtin.padStart(14, '0');
  // All zeros passes the check digit, but GS1 never allocates it: it is a placeholder, not a product.
  if (/^0+$/.test(gtin14)) throw invalid('INVALID_GTIN', field, 'A GTIN of only zeros identifies no product');
  if (gs1CheckDigit(gtin14.slice(0, 13)) !== Number(gtin14[13])) {
    throw invalid('INVALID_GTIN', field, `GTIN ${gtin} has a wrong check digit`);
  }
  return gtin14;
}

/** GS1 mod-10: weights 3,1,3,1… from the rightmost digit of the body. */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i += 1) {
    const digit = Number(body[body.length - 1 - i]);
    sum += i % 2 === 0 ? digit * 3 : digit;
  }
  return (10 - (sum % 10)) % 10;
}

/** Serials are case-sensitive (GS1 AI 21); only surrounding white space is dropped. */
export function normaliseSerial(serialNumber: string, field = 'serialNumber'): string {
  const serial = serialNumber.trim();
  if (serial.length === 0 || serial.length > MAX_SERIAL_LENGTH || /\p{Cc}/u.test(serial)) {
    throw invalid('INVALID_SERIAL_NUMBER', field, `A serial number has 1 to ${MAX_SERIAL_LENGTH} printable characters`);
  }
  return serial;
}

/** Longest GS1 AI 21 serial (format X..20, GS1 General Specifications; syntax dictionary `21 X..20`). */
const MAX_GS1_SERIAL_LENGTH = 20;

/**
 * GS1 AI encodable character set 82: the characters AI 21 may hold. Space, `#`, `~`, accents and the
 * like are outside it, so a serial with them cannot be written in a GS1 barcode or Digital Link.
 */
const CSET_82 = /^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]+$/;

/** Whether a (trimmed) serial can be a GS1 AI 21 value: 1 to 20 characters of CSET 82. */
export function isGs1Serial(serial: string): boolean {
  return serial.length > 0 && serial.length <= MAX_GS1_SERIAL_LENGTH && CSET_82.test(serial);
}

/**
 * The serial of a GTIN-identified device: GS1 AI 21, 1 to 20 characters of CSET 82, case-sensitive.
 * Manufacturer + serial ids keep the broader rule of normaliseSerial (no barcode constrains them).
 */
export function normaliseGs1Serial(serialNumber: string, field = 'serialNumber'): string {
  const serial = normaliseSerial(serialNumber, field);
  if (!isGs1Serial(serial)) {
    throw invalid(
      'INVALID_SERIAL_NUMBER',
      field,
      `With a GTIN the serial number is GS1 AI 21: 1 to ${MAX_GS1_SERIAL_LENGTH} characters of GS1 CSET 82 (letters, digits and !"%&'()*+,-./:;<=>?_; no space)`,
    );
  }
  return serial;
}

/** "ACME  Corp." and "acme corp." name the same manufacturer. */
export function normaliseManufacturer(manufacturer: string, field = 'manufacturer'): string {
  const name = manufacturer.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
  if (name.length === 0 || name.length > MAX_MANUFACTURER_LENGTH) {
    throw invalid('INVALID_MANUFACTURER', field, `A manufacturer name has 1 to ${MAX_MANUFACTURER_LENGTH} characters`);
  }
  return name;
}

/**
 * The identifier of the unit a product description names: GTIN + serial, else manufacturer + serial
 * (ADR 0004), else the local identifier a collector or repairer gave it (ADR 0016). A GTIN or a
 * manufacturer without a serial names a model, not a unit, so it identifies nothing on its own.
 */
export function identifierOfProduct(
  product: {
    readonly gtin?: string | undefined;
    readonly manufacturer?: string | undefined;
    readonly serialNumber?: string | undefined;
    readonly localId?: { readonly issuer: string; readonly value: string } | undefined;
  },
  fieldPrefix = '',
): DeviceIdentifier {
  const { gtin, manufacturer, serialNumber, localId } = product;
  if (serialNumber !== undefined && gtin !== undefined) return { gtin, serialNumber };
  if (serialNumber !== undefined && manufacturer !== undefined) return { manufacturer, serialNumber };
  if (localId !== undefined) return { issuer: localId.issuer, localId: localId.value };
  throw invalid(
    'INVALID_IDENTIFIER',
    fieldPrefix === '' ? 'identifier' : fieldPrefix.slice(0, -1),
    'A unit is identified by GTIN + serial number, manufacturer + serial number, or a local id (issuer + value)',
  );
}

export function deviceIdOf(identifier: DeviceIdentifier, fieldPrefix = ''): DeviceId {
  if ('localId' in identifier) return localDeviceIdOf(identifier, fieldPrefix);
  if ('gtin' in identifier && identifier.gtin !== undefined) {
    // Minting a GTIN identity: the serial must be writable in a GS1 barcode and Digital Link (AI 21).
    const gtin = normaliseGtin(identifier.gtin, `${fieldPrefix}gtin`);
    return `gtin:${gtin}:${escapeComponent(normaliseGs1Serial(identifier.serialNumber, `${fieldPrefix}serialNumber`))}`;
  }
  const serial = escapeComponent(normaliseSerial(identifier.serialNumber, `${fieldPrefix}serialNumber`));
  if ('manufacturer' in identifier) {
    const manufacturer = normaliseManufacturer(identifier.manufacturer, `${fieldPrefix}manufacturer`);
    return `mfr:${escapeComponent(manufacturer)}:${serial}`;
  }
  throw invalid('INVALID_IDENTIFIER', fieldPrefix || 'identifier', 'Give a GTIN or a manufacturer');
}

/** "local:{issuer}:{id}": the issuer normalised like a manufacturer name, the id kept as given (trimmed). */
function localDeviceIdOf(
  identifier: { readonly issuer: string; readonly localId: string },
  fieldPrefix: string,
): DeviceId {
  const issuer = identifier.issuer.normalize('NFKC').trim().replace(/\s+/gu, ' ').toLowerCase();
  if (issuer.length === 0 || issuer.length > MAX_MANUFACTURER_LENGTH) {
    throw invalid(
      'INVALID_LOCAL_ID',
      `${fieldPrefix}localId.issuer`,
      `An issuer name has 1 to ${MAX_MANUFACTURER_LENGTH} characters`,
    );
  }
  const localId = identifier.localId.trim();
  if (localId.length === 0 || localId.length > MAX_SERIAL_LENGTH || /\p{Cc}/u.test(localId)) {
    throw invalid(
      'INVALID_LOCAL_ID',
      `${fieldPrefix}localId.value`,
      `A local id has 1 to ${MAX_SERIAL_LENGTH} printable characters`,
    );
  }
  return `local:${escapeComponent(issuer)}:${escapeComponent(localId)}`;
}

const GTIN_DEVICE_ID = /^gtin:(\d{14}):(.+)$/;

/**
 * The GS1 Digital Link path of a GTIN-identified device, or null for other ids and for a serial stored
 * before AI 21 was enforced at minting that is not a GS1 serial (no conformant link can carry it).
 */
export function digitalLinkPathOf(deviceId: DeviceId): string | null {
  const match = GTIN_DEVICE_ID.exec(deviceId);
  if (match === null) return null;
  const serial = unescapeComponent(match[2] ?? '');
  if (!isGs1Serial(serial)) return null;
  return `/01/${match[1] ?? ''}/21/${gs1PercentEncode(serial)}`;
}

/**
 * Percent-encoding of a Digital Link value per the grammar (GS1_Digital_Link_Grammar_1_2.abnf, XCHAR):
 * letters, digits, `-`, `.` and `_` stay; every other CSET 82 character is written %XX. (JavaScript's
 * encodeURIComponent leaves `!'()*` bare, which the grammar does not allow.)
 */
export function gs1PercentEncode(value: string): string {
  return value.replace(/[^A-Za-z0-9\-._]/gu, (char) =>
    Array.from(utf8.encode(char), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

/** The GTIN-14 a device id was derived from (deviceIdOf), or null for manufacturer + serial ids. */
export function gtinOfDeviceId(deviceId: DeviceId): string | null {
  return GTIN_DEVICE_ID.exec(deviceId)?.[1] ?? null;
}

export function isWellFormedDeviceId(value: string): boolean {
  return /^(gtin:\d{14}|(mfr|local):[A-Za-z0-9\-_.!*'()~]+):[A-Za-z0-9\-_.!*'()~]+$/.test(value);
}

const SAFE = /[A-Za-z0-9\-_.!*'()]/u;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

function escapeComponent(value: string): string {
  let out = '';
  for (const char of value) {
    if (SAFE.test(char)) {
      out += char;
    } else {
      for (const byte of utf8.encode(char)) out += `~${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

function unescapeComponent(value: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < value.length;) {
    if (value[i] === '~') {
      bytes.push(parseInt(value.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      bytes.push(value.charCodeAt(i));
      i += 1;
    }
  }
  return utf8Decoder.decode(new Uint8Array(bytes));
}
