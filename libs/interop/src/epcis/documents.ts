/**
 * EPCIS 2.0 documents (docs/interop.md): the capture document (`EPCISDocument`, what another
 * repository's capture interface accepts) and the query answer (`EPCISQueryDocument`).
 */
import { EPCIS_CONTEXT, type EpcisObjectEvent } from './events.js';

export interface EpcisDocument {
  readonly '@context': typeof EPCIS_CONTEXT;
  readonly type: 'EPCISDocument';
  readonly schemaVersion: '2.0';
  readonly creationDate: string;
  readonly epcisBody: { readonly eventList: readonly EpcisObjectEvent[] };
}

export interface EpcisQueryDocument {
  readonly '@context': typeof EPCIS_CONTEXT;
  readonly type: 'EPCISQueryDocument';
  readonly schemaVersion: '2.0';
  readonly creationDate: string;
  readonly epcisBody: {
    readonly queryResults: {
      readonly queryName: string;
      readonly resultsBody: { readonly eventList: readonly EpcisObjectEvent[] };
    };
  };
}

/** The EPCIS 2.0 REST binding names an ad-hoc query over `GET /events` SimpleEventQuery. */
export const SIMPLE_EVENT_QUERY = 'SimpleEventQuery';

export function epcisDocument(events: readonly EpcisObjectEvent[], creationDate: string): EpcisDocument {
  return {
    '@context': EPCIS_CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate,
    epcisBody: { eventList: events },
  };
}

export function epcisQueryDocument(events: readonly EpcisObjectEvent[], creationDate: string): EpcisQueryDocument {
  return {
    '@context': EPCIS_CONTEXT,
    type: 'EPCISQueryDocument',
    schemaVersion: '2.0',
    creationDate,
    epcisBody: { queryResults: { queryName: SIMPLE_EVENT_QUERY, resultsBody: { eventList: events } } },
  };
}
