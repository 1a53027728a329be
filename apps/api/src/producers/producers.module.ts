import { Module } from '@nestjs/common';
import { GetMembershipHistoryHandler } from './membership-history.js';
import { ProducersController } from './producers.controller.js';
import { RecordMembershipChangeHandler } from './record-membership-change.js';

@Module({ controllers: [ProducersController], providers: [RecordMembershipChangeHandler, GetMembershipHistoryHandler] })
export class ProducersModule {}
