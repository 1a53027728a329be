/**
 * Links people and other systems follow from outside: absolute under KIERTO_PUBLIC_URL when it is
 * set, so that a QR code, a label or a passport copied elsewhere still leads back here.
 */
import { digitalLinkPathOf } from '#kierto/domain';

/** A path of this deployment (starting with `/`) under the public URL, or as it is when none is set. */
export function publicLinkOf(publicUrl: string | null, path: string): string {
  return `${publicUrl ?? ''}${path}`;
}

/**
 * The passport route of a device. Device ids are path-safe as they are (letters, digits, `-_.!*'()~`
 * and `:`; identity.ts), so the id is written as is, as in the resolver's linkset.
 */
export function passportPathOf(deviceId: string): string {
  return `/passports/${deviceId}`;
}

/**
 * What a device's QR code encodes: its GS1 Digital Link (`/01/{gtin}/21/{serial}`), or its passport
 * URL when it has no GTIN, under `base`. A QR code is scanned away from any page, so `base` must be
 * an origin: the public URL, or the origin the request came to when none is configured.
 */
export function qrTargetOf(deviceId: string, base: string): string {
  return `${base}${digitalLinkPathOf(deviceId) ?? passportPathOf(deviceId)}`;
}
