import { Module } from '@nestjs/common';
import { DeskController } from './desk.controller.js';

/** The repairer and refurbisher desk (docs/pages.md, "The desk"); its commands and queries are the devices module's. */
@Module({ controllers: [DeskController] })
export class DeskModule {}
