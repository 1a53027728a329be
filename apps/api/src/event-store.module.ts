import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '#kierto/event-store';
import type { ApiConfig } from './config.js';
import { API_CONFIG, EVENT_STORE } from './event-store.provider.js';

/** Closes the store when the application shuts down, so SQLite/PostgreSQL handles are released. */
class StoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/**
 * Makes the (already initialised) event store and the configuration injectable in every feature
 * module: feature modules inject EVENT_STORE / API_CONFIG without importing this module.
 */
@Global()
@Module({})
export class EventStoreModule {
  static of(store: EventStore, config: ApiConfig): DynamicModule {
    return {
      module: EventStoreModule,
      providers: [{ provide: EVENT_STORE, useValue: store }, { provide: API_CONFIG, useValue: config }, StoreLifecycle],
      exports: [EVENT_STORE, API_CONFIG],
    };
  }
}
