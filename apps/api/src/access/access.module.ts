import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { KeyCache, type AccessStore } from '#kierto/access';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { ACCESS_STORE, KEY_CACHE, REQUEST_LIMITER } from './access.tokens.js';
import { AuthGuard } from './auth.guard.js';
import { OrganisationsController } from './organisations.controller.js';
import { InProcessRequestLimiter, PostgresRequestLimiter, type RequestLimiter } from './rate-limiter.js';

/** Closes the access store and the request limiter with the application. */
class AccessStoreLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(ACCESS_STORE) private readonly access: AccessStore,
    @Inject(REQUEST_LIMITER) private readonly limiter: RequestLimiter,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.limiter.close();
    await this.access.close();
  }
}

/**
 * Request budgets shared by every instance on PostgreSQL; in process on the embedded store, which
 * one process owns (docs/access.md).
 */
function requestLimiterFor(config: ApiConfig): RequestLimiter {
  if (config.databaseUrl === null) return new InProcessRequestLimiter();
  const logger = new Logger('RateLimits');
  let lastWarning = 0;
  return new PostgresRequestLimiter(config.databaseUrl, config.databaseSchema, (error) => {
    // Once in ten seconds at most: while the database is away every request would say it again.
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    logger.warn(`The shared rate limit could not be counted; requests are let through: ${String(error)}`);
  });
}

/**
 * How long a looked-up API key is used without asking the access store again (docs/adr/0035). On
 * PostgreSQL a lookup is two round trips on every request, and other instances may revoke a key: a
 * revocation elsewhere takes effect here within this bound. The embedded store's lookups are cheap
 * and in process, so it is not cached: a revocation holds from the next request on.
 */
export const KEY_CACHE_MS = 2_000;

function keyCacheFor(config: ApiConfig): KeyCache {
  return new KeyCache(config.databaseUrl === null ? 0 : KEY_CACHE_MS);
}

/**
 * Organisations, API keys and the guard that runs before every route (docs/access.md). The access
 * store is created and initialised before Nest starts, like the event store.
 */
@Global()
@Module({})
export class AccessModule {
  static of(access: AccessStore): DynamicModule {
    return {
      module: AccessModule,
      controllers: [OrganisationsController],
      providers: [
        { provide: ACCESS_STORE, useValue: access },
        { provide: REQUEST_LIMITER, inject: [API_CONFIG], useFactory: requestLimiterFor },
        { provide: KEY_CACHE, inject: [API_CONFIG], useFactory: keyCacheFor },
        { provide: APP_GUARD, useClass: AuthGuard },
        AccessStoreLifecycle,
      ],
      exports: [ACCESS_STORE, REQUEST_LIMITER, KEY_CACHE],
    };
  }
}
