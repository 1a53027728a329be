import type { Actor } from '../../../../libs/event-store/src/port.js';

/**
 * Until organisations and API keys exist (issue 5), every request is recorded as the operator of
 * this installation. The actor never comes from a request body.
 */
export const LOCAL_ACTOR: Actor = { organisationId: 'local', role: 'operator', keyId: 'none' };
