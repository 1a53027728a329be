import { Module } from '@nestjs/common';
import { GetDeviceHistoryHandler, GetDeviceSummaryHandler } from './device-queries.js';
import { DevicesController } from './devices.controller.js';
import { RecordDeviceEventHandler } from './record-device-event.js';
import { GetStockHandler } from './stock.js';

@Module({
  controllers: [DevicesController],
  providers: [RecordDeviceEventHandler, GetDeviceHistoryHandler, GetDeviceSummaryHandler, GetStockHandler],
})
export class DevicesModule {}
