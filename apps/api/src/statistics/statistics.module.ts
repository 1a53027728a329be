import { Module } from '@nestjs/common';
import { STATISTICS_QUERY_HANDLERS, StatisticsReader } from './statistics-queries.js';
import { StatisticsController } from './statistics.controller.js';

@Module({ controllers: [StatisticsController], providers: [StatisticsReader, ...STATISTICS_QUERY_HANDLERS] })
export class StatisticsModule {}
