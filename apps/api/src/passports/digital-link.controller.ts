import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { deviceIdOf, normaliseGtin, normaliseSerial } from '#kierto/domain';
import type { PassportView, PassportViewDocument } from '#kierto/projections';
import { Public } from '../access/decorators.js';
import { answerPassport, documented, PassportQuery } from './passports.controller.js';

/** The GS1 Digital Link resolver: what the QR code on a device resolves to. */
@ApiTags('passports')
@Controller()
@Public()
export class DigitalLinkController {
  constructor(private readonly queryBus: QueryBus) {}

  /** GS1 Digital Link (AI 01 GTIN, AI 21 serial). */
  @Get('01/:gtin/21/:serial')
  @documented(
    ApiOperation({ summary: 'The passport by GS1 Digital Link path /01/{gtin}/21/{serial} (GTIN-8/12/13/14)' }),
    ApiParam({ name: 'gtin' }),
    ApiParam({ name: 'serial', description: 'URL-encoded serial number' }),
  )
  async byDigitalLink(
    @Param('gtin') gtin: string,
    @Param('serial') serial: string,
    @Query() query: PassportQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PassportViewDocument<PassportView>> {
    // Express has decoded the serial; the GTIN is padded to 14 digits and its check digit verified,
    // each refused with the path parameter's name as the field.
    const deviceId = deviceIdOf({ gtin: normaliseGtin(gtin, 'gtin'), serialNumber: normaliseSerial(serial, 'serial') });
    return answerPassport(this.queryBus, deviceId, query, request, response);
  }
}
