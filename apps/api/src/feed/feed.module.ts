import {
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { AccessStore } from '#kierto/access';
import type { EventStore } from '#kierto/event-store';
import { ACCESS_STORE } from '../access/access.tokens.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG, EVENT_STORE } from '../event-store.provider.js';
import type { ApiMetrics } from '../metrics/metrics.js';
import { METRICS } from '../metrics/metrics.module.js';
import type { ProjectorRunner } from '../projections/projector-runner.js';
import { PROJECTOR_RUNNER } from '../projections/projections.tokens.js';
import { WebhookDeliverer } from './deliverer.js';
import { FeedController, FeedStreams } from './feed.controller.js';
import { createSubscriptionStore, type SubscriptionStore } from './subscription-store.js';
import { SUBSCRIPTIONS, SubscriptionsController, WEBHOOK_DELIVERER } from './subscriptions.controller.js';

/**
 * Starts the deliverer with the application and stops it on shutdown before the stores close: a
 * delivery in flight is aborted and sent again later (at least once).
 */
class DelivererLifecycle implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    @Inject(WEBHOOK_DELIVERER) private readonly deliverer: WebhookDeliverer,
    @Inject(SUBSCRIPTIONS) private readonly subscriptions: SubscriptionStore,
  ) {}

  onApplicationBootstrap(): void {
    this.deliverer.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.deliverer.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriptions.close();
  }
}

/** The event feed for integrators: GET /feed (pages, long-poll, Server-Sent Events) and webhooks (docs/feed.md). */
@Module({
  controllers: [FeedController, SubscriptionsController],
  providers: [
    FeedStreams,
    {
      provide: SUBSCRIPTIONS,
      inject: [API_CONFIG],
      useFactory: async (config: ApiConfig): Promise<SubscriptionStore> => {
        const store = createSubscriptionStore(config);
        await store.init();
        return store;
      },
    },
    {
      provide: WEBHOOK_DELIVERER,
      inject: [EVENT_STORE, SUBSCRIPTIONS, ACCESS_STORE, PROJECTOR_RUNNER, API_CONFIG, METRICS],
      useFactory: (
        store: EventStore,
        subscriptions: SubscriptionStore,
        access: AccessStore,
        runner: ProjectorRunner,
        config: ApiConfig,
        metrics: ApiMetrics,
      ): WebhookDeliverer => {
        const logger = new Logger('Webhooks');
        return new WebhookDeliverer({
          store,
          subscriptions,
          access,
          // One deliverer at a time: the process that projects (ADR 0020, ADR 0022).
          mayDeliver: () => runner.leadership === 'leader' || runner.leadership === 'sole',
          allowPrivate: config.webhookAllowPrivate,
          maxFailures: config.webhookMaxFailures,
          retryBaseMs: config.webhookRetryBaseMs,
          timeoutMs: config.webhookTimeoutMs,
          log: (level, message) => (level === 'warn' ? logger.warn(message) : logger.log(message)),
          onAttempt: (outcome) => metrics.countWebhookAttempt(outcome),
        });
      },
    },
    DelivererLifecycle,
  ],
})
export class FeedModule {}
