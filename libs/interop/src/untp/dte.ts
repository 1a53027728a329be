/**
 * The UNTP Digital Traceability Event 0.6.0 credential of a device (docs/interop.md, "UNTP DTE"): its
 * lifecycle events, the same EPCIS ObjectEvents as `GET /epcis/events` gives (at public detail),
 * in the UNTP event shape: typed arrays, items as `{id, name}`, CBV terms as full URIs.
 */
import { bizStepUri } from '../epcis/query.js';
import type { EpcisObjectEvent } from '../epcis/events.js';
import { issuerOf, nameBasedUuid, VC_CONTEXT, type CredentialIssuer, type IssuingDeployment } from './credential.js';
import type { Json } from './dpp.js';

export const UNTP_DTE_CONTEXT = 'https://test.uncefact.org/vocabulary/untp/dte/0.6.0/';
const CBV_DISPOSITION = 'https://ref.gs1.org/cbv/Disp-';

export interface DteCredential {
  readonly '@context': readonly [typeof VC_CONTEXT, typeof UNTP_DTE_CONTEXT];
  readonly type: readonly ['DigitalTraceabilityEvent', 'VerifiableCredential'];
  readonly id: string;
  readonly issuer: CredentialIssuer;
  readonly validFrom: string;
  readonly credentialSubject: readonly { readonly [key: string]: Json }[];
}

/** The fields of an EPCIS event that are not the standard ones: Kierto's `kierto:` extensions. */
function extensionsOf(event: EpcisObjectEvent): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(event)) if (key.startsWith('kierto:')) out[key] = value as Json;
  return out;
}

/** One EPCIS ObjectEvent as a UNTP DTE ObjectEvent; `itemName` names the device in its epcList. */
export function dteObjectEvent(event: EpcisObjectEvent, itemName: string): { readonly [key: string]: Json } {
  return {
    type: ['ObjectEvent', 'Event'],
    id: event.eventID,
    processType: event['kierto:eventType'],
    eventTime: event.eventTime,
    action: event.action.toLowerCase(),
    ...(event.disposition === undefined ? {} : { disposition: `${CBV_DISPOSITION}${event.disposition}` }),
    bizStep: bizStepUri(event.bizStep),
    epcList: event.epcList.map((id) => ({ type: ['Item'], id, name: itemName })),
    ...(event.ilmd === undefined ? {} : { ilmd: event.ilmd }),
    ...extensionsOf(event),
  };
}

/**
 * The DTE credential of a device's events. validFrom is the last event's record time and the id
 * derives from the device and its number of events: the same history, the same credential.
 */
export function dteCredential(
  deviceId: string,
  itemName: string,
  events: readonly EpcisObjectEvent[],
  deployment: IssuingDeployment,
): DteCredential {
  const last = events.at(-1);
  if (last === undefined) throw new Error(`Device ${deviceId} has no events to put in a credential`);
  return {
    '@context': [VC_CONTEXT, UNTP_DTE_CONTEXT],
    type: ['DigitalTraceabilityEvent', 'VerifiableCredential'],
    id: nameBasedUuid(`kierto-dte:${deviceId}:${events.length}`),
    issuer: issuerOf(deployment),
    validFrom: last.recordTime,
    credentialSubject: events.map((event) => dteObjectEvent(event, itemName)),
  };
}
