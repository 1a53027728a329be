/**
 * The little of `oidc-provider` (a dev dependency without type declarations) that
 * test/api/oidc.e2e-spec.ts uses: an in-process OpenID provider with its development login pages.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ProviderAccount {
    readonly accountId: string;
    claims(): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  export interface ProviderConfiguration {
    readonly clients: readonly Record<string, unknown>[];
    readonly claims?: Readonly<Record<string, readonly string[]>>;
    readonly cookies?: { readonly keys: readonly string[] };
    readonly pkce?: { readonly required: () => boolean };
    /** Seconds each kind of artefact lives. */
    readonly ttl?: Readonly<Record<string, number>>;
    readonly features?: Readonly<Record<string, { readonly enabled: boolean }>>;
    findAccount(context: unknown, id: string): Promise<ProviderAccount | undefined> | ProviderAccount | undefined;
  }

  export default class Provider {
    constructor(issuer: string, configuration: ProviderConfiguration);
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }
}
