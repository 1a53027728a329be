import { Module } from '@nestjs/common';
import { DigitalLinkController } from './digital-link.controller.js';
import { GetPassportHandler } from './passport-queries.js';
import { PassportsController } from './passports.controller.js';

@Module({ controllers: [PassportsController, DigitalLinkController], providers: [GetPassportHandler] })
export class PassportsModule {}
