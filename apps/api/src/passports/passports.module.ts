import { Module } from '@nestjs/common';
import { GetPassportHandler } from './passport-queries.js';
import { PassportsController } from './passports.controller.js';

@Module({ controllers: [PassportsController], providers: [GetPassportHandler] })
export class PassportsModule {}
