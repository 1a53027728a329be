import { Module } from '@nestjs/common';
import { DEFAULT_IMPORT_BODY_LIMIT, IMPORT_BODY_LIMIT, ImportsController } from './imports.controller.js';

/** `POST /imports` (docs/import.md). The event store comes from the global EventStoreModule. */
@Module({
  controllers: [ImportsController],
  providers: [
    {
      provide: IMPORT_BODY_LIMIT,
      useFactory: (): number => {
        const configured = Number(process.env['KIERTO_IMPORT_BODY_LIMIT'] ?? '');
        return Number.isSafeInteger(configured) && configured > 0 ? configured : DEFAULT_IMPORT_BODY_LIMIT;
      },
    },
  ],
})
export class ImportModule {}
