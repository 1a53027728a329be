import { Module } from '@nestjs/common';
import { OrdsExportController } from './ords-export.controller.js';
import { OrdsImportController } from './ords-import.controller.js';

/** ORDS v0.3 in and out (docs/interop.md, "ORDS"): `POST /imports/ords`, `GET /exports/ords.csv`. */
@Module({ controllers: [OrdsImportController, OrdsExportController] })
export class OrdsModule {}
