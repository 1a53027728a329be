import { Module } from '@nestjs/common';
import { AuditorController } from './auditor.controller.js';
import {
  CheckDeviceChainHandler,
  DeviceAtPositionHandler,
  ExportBundleHandler,
  SignCheckpointHandler,
} from './auditor-queries.js';

/**
 * The auditor's pages (docs/pages.md, "Auditor"). Uses the audit feature's VerifyChain query
 * (AuditModule) and the deployment's signing key (SigningModule, global).
 */
@Module({
  controllers: [AuditorController],
  providers: [CheckDeviceChainHandler, DeviceAtPositionHandler, ExportBundleHandler, SignCheckpointHandler],
})
export class AuditorModule {}
