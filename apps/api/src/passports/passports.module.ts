import { Module } from '@nestjs/common';
import { DigitalLinkController } from './digital-link.controller.js';
import { GetPassportHandler } from './passport-queries.js';
import { PassportsController } from './passports.controller.js';
import { RegistryEntriesController } from './registry-entries.controller.js';
import { GetPassportsPageHandler } from './registry-queries.js';

@Module({
  controllers: [PassportsController, DigitalLinkController, RegistryEntriesController],
  providers: [GetPassportHandler, GetPassportsPageHandler],
})
export class PassportsModule {}
