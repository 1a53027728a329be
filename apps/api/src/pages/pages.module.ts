import { Module } from '@nestjs/common';
import { LabelsController } from './labels.controller.js';
import { QrController } from './qr.controller.js';

/** The people's side (docs/pages.md): QR codes and label sheets; the passport page answers on the passport routes. */
@Module({ controllers: [QrController, LabelsController] })
export class PagesModule {}
