import { Module } from '@nestjs/common';
import { DashboardController } from './dashboard.controller.js';

/**
 * The producer organisation dashboard (docs/pages.md): pages over the statistics queries, whose
 * handlers StatisticsModule registers on the shared query bus.
 */
@Module({ controllers: [DashboardController] })
export class DashboardModule {}
