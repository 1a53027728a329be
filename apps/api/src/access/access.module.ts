import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { AccessStore } from '#kierto/access';
import { ACCESS_STORE } from './access.tokens.js';
import { AuthGuard } from './auth.guard.js';
import { OrganisationsController } from './organisations.controller.js';

/** Closes the access store with the application. */
class AccessStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ACCESS_STORE) private readonly access: AccessStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.access.close();
  }
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
        { provide: APP_GUARD, useClass: AuthGuard },
        AccessStoreLifecycle,
      ],
      exports: [ACCESS_STORE],
    };
  }
}
