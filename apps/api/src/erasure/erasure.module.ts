import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { DeviceCertificatesController, ERASURE_STORE, ErasureReportsController } from './erasure-reports.controller.js';
import { createErasureStore, type ErasureStore } from './erasure-store.js';

class ErasureStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(ERASURE_STORE) private readonly store: ErasureStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/**
 * Erasure evidence (docs/erasure.md): reports of erasure tools imported as wipes, the queue of media
 * that matched no device, and data sanitisation certificates per device and per report.
 */
@Module({
  controllers: [ErasureReportsController, DeviceCertificatesController],
  providers: [
    {
      provide: ERASURE_STORE,
      inject: [API_CONFIG],
      useFactory: async (config: ApiConfig): Promise<ErasureStore> => {
        const store = createErasureStore(config);
        await store.init();
        return store;
      },
    },
    ErasureStoreLifecycle,
  ],
})
export class ErasureModule {}
