import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { AccessStore } from '#kierto/access';
import type { EventStore } from '#kierto/event-store';
import { AccessModule } from './access/access.module.js';
import type { ApiConfig } from './config.js';
import { AuditModule } from './audit/audit.module.js';
import { AuditorModule } from './auditor/auditor.module.js';
import { DeskModule } from './desk/desk.module.js';
import { DevicesModule } from './devices/devices.module.js';
import { ErasureModule } from './erasure/erasure.module.js';
import { EventStoreModule } from './event-store.module.js';
import { FeedModule } from './feed/feed.module.js';
import { HealthModule } from './health/health.module.js';
import { ImportModule } from './import/import.module.js';
import { IntakeModule } from './intake/intake.module.js';
import { LotsModule } from './lots/lots.module.js';
import { OrdsModule } from './ords/ords.module.js';
import { ApiMetrics } from './metrics/metrics.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PagesModule } from './pages/pages.module.js';
import { PassportsModule } from './passports/passports.module.js';
import { PeopleModule } from './people/people.module.js';
import { ProducersModule } from './producers/producers.module.js';
import { ProjectionsModule } from './projections/projections.module.js';
import { StatisticsModule } from './statistics/statistics.module.js';
import { CredentialsModule } from './credentials/credentials.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { EpcisModule } from './epcis/epcis.module.js';
import { SigningModule } from './signing/signing.module.js';
import { TracingModule, type Tracing } from './tracing/tracing.js';

/** Feature modules, one per area; each injects EVENT_STORE / API_CONFIG from EventStoreModule. */
const FEATURES = [
  DevicesModule,
  HealthModule,
  ProducersModule,
  ProjectionsModule,
  PassportsModule,
  PagesModule,
  PeopleModule,
  StatisticsModule,
  AuditModule,
  AuditorModule,
  ImportModule,
  IntakeModule,
  LotsModule,
  OrdsModule,
  SigningModule,
  CredentialsModule,
  EpcisModule,
  ErasureModule,
  FeedModule,
  DashboardModule,
  DeskModule,
];

@Module({})
export class AppModule {
  /** The stores are created (and migrated) before Nest starts, so a bad DATABASE_URL fails fast. */
  static withStores(
    store: EventStore,
    access: AccessStore,
    config: ApiConfig,
    metrics: ApiMetrics = new ApiMetrics(),
    tracing: Tracing | null = null,
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        EventStoreModule.of(store, config),
        AccessModule.of(access),
        MetricsModule.of(metrics),
        TracingModule.of(tracing),
        ...FEATURES,
      ],
    };
  }
}
