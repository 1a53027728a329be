import { Module } from '@nestjs/common';
import { GetLotHandler, RecordLotCommandHandler } from './lot-commands.js';
import { LotsController } from './lots.controller.js';

@Module({ controllers: [LotsController], providers: [RecordLotCommandHandler, GetLotHandler] })
export class LotsModule {}
