import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller.js';
import { GetDeviceAuditHistoryHandler, GetPassportAsOfHandler, VerifyChainHandler } from './audit-queries.js';

/** Audit feature (docs/audit.md): chain verification and device replay; add it to FEATURES in app.module.ts. */
@Module({
  controllers: [AuditController],
  providers: [VerifyChainHandler, GetDeviceAuditHistoryHandler, GetPassportAsOfHandler],
})
export class AuditModule {}
