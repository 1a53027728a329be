import { applyDecorators, Controller, Get, Inject, Param, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiParam, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Request, Response } from 'express';
import { isWellFormedDeviceId } from '#kierto/domain';
import { Public } from '../access/decorators.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { ApiError, badRequest } from '../http/api-error.js';
import { GetPassport } from '../passports/passport-queries.js';
import { qrTargetOf } from './public-links.js';
import { qrPng, qrSvg } from './qr.js';

export class QrQuery {
  @ApiPropertyOptional({ description: 'Wait until the passports include this global position' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

/**
 * The origin links are made absolute with: KIERTO_PUBLIC_URL, else the one this request came to (a
 * QR code is scanned away from any page, so a relative link in it would lead nowhere).
 */
export function linkBaseOf(config: ApiConfig, request: Request): string {
  return config.publicUrl ?? `${request.protocol}://${request.get('host') ?? `${config.host}:${config.port}`}`;
}

/** What both routes document besides their 200. */
function qrResponses(): MethodDecorator {
  return applyDecorators(
    ApiParam({ name: 'deviceId' }),
    ApiResponse({ status: 400, description: 'INVALID_DEVICE_ID' }),
    ApiResponse({ status: 404, description: 'DEVICE_NOT_FOUND: no passport (yet: see minPosition)' }),
  );
}

/**
 * QR codes of devices (docs/pages.md): public like the public passport they lead to. Each encodes the
 * device's GS1 Digital Link, or its passport URL when it has no GTIN, at error correction M.
 */
@ApiTags('passports')
@Controller('passports/:deviceId')
@Public()
export class QrController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get('qr.svg')
  @qrResponses()
  @ApiOperation({ summary: "The device's QR code as SVG (its Digital Link, error correction M, 4-module quiet zone)" })
  @ApiResponse({ status: 200, content: { 'image/svg+xml': {} }, description: 'The QR code' })
  async svg(
    @Param('deviceId') deviceId: string,
    @Query() query: QrQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    const target = await this.targetOf(deviceId, query, request, response);
    // Set here, not by @Header: that would also label an error's JSON as SVG.
    response.type('image/svg+xml; charset=utf-8');
    return qrSvg(target);
  }

  @Get('qr.png')
  @qrResponses()
  @ApiOperation({ summary: "The device's QR code as PNG (8 px per module)" })
  @ApiResponse({ status: 200, content: { 'image/png': {} }, description: 'The QR code' })
  async png(
    @Param('deviceId') deviceId: string,
    @Query() query: QrQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StreamableFile> {
    const target = await this.targetOf(deviceId, query, request, response);
    return new StreamableFile(await qrPng(target), { type: 'image/png' });
  }

  /** The link the code encodes, once the device is known. */
  private async targetOf(deviceId: string, query: QrQuery, request: Request, response: Response): Promise<string> {
    if (!isWellFormedDeviceId(deviceId)) {
      throw badRequest('INVALID_DEVICE_ID', 'deviceId', `${deviceId} is not a Kierto device id (gtin:… or mfr:…)`);
    }
    const { value, checkpoint } = await this.queryBus.execute(new GetPassport(deviceId, query.minPosition));
    if (value === null) {
      throw new ApiError(
        404,
        'DEVICE_NOT_FOUND',
        `No passport for device ${deviceId} at projection position ${checkpoint}; pass minPosition to wait for a recent write`,
      );
    }
    const target = qrTargetOf(deviceId, linkBaseOf(this.config, request));
    // Public and meant to be embedded (a shop's product page, a refurbisher's listing): other origins
    // may load it, unlike the API's answers; it changes only with the public URL.
    response.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    response.setHeader('Cache-Control', 'public, max-age=86400');
    // Without a public URL the code depends on the Host the request came to.
    if (this.config.publicUrl === null) response.vary('Host');
    return target;
  }
}
