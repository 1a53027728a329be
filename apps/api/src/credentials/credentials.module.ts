import { Module } from '@nestjs/common';
import { CredentialsController } from './credentials.controller.js';

/**
 * UNTP credentials (DPP, DTE) and the DID document (docs/interop.md); it uses the passport and device
 * history queries of their modules through the QueryBus, and the global SigningModule's key.
 */
@Module({ controllers: [CredentialsController] })
export class CredentialsModule {}
