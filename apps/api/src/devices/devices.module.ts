import { Module } from '@nestjs/common';
import { GetDeviceHistoryHandler, GetDeviceSummaryHandler } from './device-queries.js';
import { DevicesController } from './devices.controller.js';
import { RecordDeviceEventHandler } from './record-device-event.js';

@Module({
  controllers: [DevicesController],
  providers: [RecordDeviceEventHandler, GetDeviceHistoryHandler, GetDeviceSummaryHandler],
})
export class DevicesModule {}
