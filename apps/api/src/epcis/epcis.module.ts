import { Module } from '@nestjs/common';
import { EpcisController } from './epcis.controller.js';
import { GetEpcisEventsHandler } from './epcis-queries.js';

/** EPCIS 2.0 query and export of lifecycle events (docs/interop.md). */
@Module({ controllers: [EpcisController], providers: [GetEpcisEventsHandler] })
export class EpcisModule {}
