import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Response } from 'express';
import { deviceIdOf, isWellFormedDeviceId, normaliseGtin, normaliseSerial } from '../../../../libs/domain/src/index.js';
import type { Passport } from '../../../../libs/projections/src/index.js';
import { ApiError, badRequest } from '../http/api-error.js';
import { openApiDocumentSchema } from '../http/document-schema.js';
import { GetPassport } from './passport-queries.js';

/** Query string of the passport endpoints. */
export class PassportQuery {
  @ApiPropertyOptional({ description: 'Wait until the passports include this global position (from a command response)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

/** The response header naming the read model's checkpoint the answer was read at. */
export const CHECKPOINT_HEADER = 'Kierto-Projection-Checkpoint';

const PASSPORT_RESPONSES = [
  ApiOkResponse({ schema: openApiDocumentSchema('Passport') }),
  ApiResponse({ status: 400, description: 'Malformed id, GTIN or query parameter (`error.fields`)' }),
  ApiResponse({ status: 404, description: 'DEVICE_NOT_FOUND: no passport (yet: see minPosition)' }),
  ApiResponse({ status: 503, description: 'PROJECTION_NOT_CAUGHT_UP: minPosition not reached within the wait' }),
];

function documented(...decorators: MethodDecorator[]): MethodDecorator {
  return (target, key, descriptor) => {
    for (const decorator of [...decorators, ...PASSPORT_RESPONSES]) decorator(target, key, descriptor);
  };
}

@ApiTags('passports')
@Controller()
export class PassportsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('passports/:deviceId')
  @documented(
    ApiOperation({ summary: "A device's passport: identity, status, lives, repairs, wipes, materials, history with hashes" }),
    ApiParam({ name: 'deviceId' }),
  )
  async byId(
    @Param('deviceId') deviceId: string,
    @Query() query: PassportQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Passport> {
    if (!isWellFormedDeviceId(deviceId)) {
      throw badRequest('INVALID_DEVICE_ID', 'deviceId', `${deviceId} is not a Kierto device id (gtin:… or mfr:…)`);
    }
    return this.passport(deviceId, query, response);
  }

  /** GS1 Digital Link (AI 01 GTIN, AI 21 serial): what the QR code on the device resolves to. */
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
    @Res({ passthrough: true }) response: Response,
  ): Promise<Passport> {
    // Express has decoded the serial; the GTIN is padded to 14 digits and its check digit verified,
    // each refused with the path parameter's name as the field.
    const deviceId = deviceIdOf({ gtin: normaliseGtin(gtin, 'gtin'), serialNumber: normaliseSerial(serial, 'serial') });
    return this.passport(deviceId, query, response);
  }

  private async passport(deviceId: string, query: PassportQuery, response: Response): Promise<Passport> {
    const { value, checkpoint } = await this.queryBus.execute(new GetPassport(deviceId, query.minPosition));
    response.setHeader(CHECKPOINT_HEADER, String(checkpoint));
    if (value === null) {
      throw new ApiError(
        404,
        'DEVICE_NOT_FOUND',
        `No passport for device ${deviceId} at projection position ${checkpoint}; pass minPosition to wait for a recent write`,
      );
    }
    response.setHeader('ETag', `"${value.revision}"`);
    return value;
  }
}
