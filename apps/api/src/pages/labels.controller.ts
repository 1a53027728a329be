import { Body, Controller, HttpCode, Inject, Post, Req, StreamableFile } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsArray, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import type { Request } from 'express';
import { mayPrintLabel } from '#kierto/access';
import { isWellFormedDeviceId } from '#kierto/domain';
import type { Passport } from '#kierto/projections';
import { requirePrincipal } from '../access/principal.js';
import { Requires } from '../access/decorators.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { ApiError, type FieldError } from '../http/api-error.js';
import { GetPassport } from '../passports/passport-queries.js';
import { labelSheet, LABELS_PER_PAGE, type Label } from './label-sheet.js';
import { qrTargetOf } from './public-links.js';
import { linkBaseOf } from './qr.controller.js';

/** Most labels one request prints: ten sheets, a few seconds of PDF at most. */
export const MAX_LABELS = 10 * LABELS_PER_PAGE;

export class LabelsBody {
  @ApiProperty({
    type: [String],
    minItems: 1,
    maxItems: MAX_LABELS,
    example: ['gtin:09506000134352:LAP-0001'],
    description: `Device ids, one label each in this order (${LABELS_PER_PAGE} per A4 page); an id may repeat`,
  })
  @IsArray()
  @IsString({ each: true })
  deviceIds!: string[];

  @ApiPropertyOptional({
    description: 'Wait until the passports include this global position (from a command response)',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

/** Printable label sheets (docs/pages.md, "Labels"). */
@ApiTags('passports')
@Controller('labels')
@Requires('labels:print')
export class LabelsController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'A PDF sheet of labels (A4, 3 × 8 labels of 70 × 37 mm): QR code, GTIN, serial and link of each device',
    description:
      'Producers print labels for the devices they placed on the market; refurbishers and admins for any device.',
  })
  @ApiResponse({ status: 200, content: { 'application/pdf': {} }, description: 'The label sheet' })
  @ApiResponse({
    status: 400,
    description: `VALIDATION_FAILED: no ids (TOO_FEW) or more than ${MAX_LABELS} (TOO_MANY) on deviceIds; INVALID_DEVICE_ID on deviceIds[i]`,
  })
  @ApiResponse({ status: 404, description: 'DEVICE_NOT_FOUND: each unknown id in fields as deviceIds[i]' })
  async print(@Body() body: LabelsBody, @Req() request: Request): Promise<StreamableFile> {
    const principal = requirePrincipal(request);
    const { deviceIds } = body;
    if (deviceIds.length === 0 || deviceIds.length > MAX_LABELS) {
      const code = deviceIds.length === 0 ? 'TOO_FEW' : 'TOO_MANY';
      const message =
        deviceIds.length === 0
          ? 'Name at least one device id'
          : `At most ${MAX_LABELS} labels per request (${deviceIds.length} asked for); split the list`;
      throw new ApiError(400, 'VALIDATION_FAILED', 'The request is invalid', [{ field: 'deviceIds', code, message }]);
    }
    const malformed = fieldsOf(
      deviceIds,
      (id) => !isWellFormedDeviceId(id),
      'INVALID_DEVICE_ID',
      (id) => `${id} is not a Kierto device id (gtin:… or mfr:…)`,
    );
    if (malformed.length > 0) throw new ApiError(400, 'INVALID_DEVICE_ID', 'Some device ids are malformed', malformed);

    const passports = new Map<string, Passport | null>();
    for (const id of new Set(deviceIds)) {
      const { value } = await this.queryBus.execute(new GetPassport(id, body.minPosition));
      passports.set(id, value);
    }
    const unknown = fieldsOf(
      deviceIds,
      (id) => passports.get(id) === null,
      'DEVICE_NOT_FOUND',
      (id) => `No passport for device ${id}; pass minPosition to wait for a recent write`,
    );
    if (unknown.length > 0) throw new ApiError(404, 'DEVICE_NOT_FOUND', 'Some devices have no passport', unknown);

    const refusals = deviceIds.map((id) =>
      mayPrintLabel(principal.organisation, passports.get(id)?.placedOnMarket?.producerId ?? null),
    );
    const forbidden: FieldError[] = refusals.flatMap((decision, index) =>
      decision.allowed ? [] : [{ field: `deviceIds[${index}]`, code: 'FORBIDDEN', message: decision.message }],
    );
    if (forbidden.length > 0) {
      throw new ApiError(403, 'FORBIDDEN', forbidden[0]?.message ?? 'Not allowed', forbidden);
    }

    const base = linkBaseOf(this.config, request);
    const labels = deviceIds.map((id): Label => labelOf(id, passports.get(id) ?? null, base));
    return new StreamableFile(await labelSheet(labels), {
      type: 'application/pdf',
      disposition: 'inline; filename="kierto-labels.pdf"',
    });
  }
}

function labelOf(deviceId: string, passport: Passport | null, base: string): Label {
  const identity = passport?.identity;
  const name = [identity?.brand ?? identity?.manufacturer ?? null, identity?.model ?? null]
    .filter((part) => part !== null)
    .join(' ');
  return {
    name: name === '' ? deviceId : name,
    gtin: identity?.gtin ?? null,
    serialNumber: identity?.serialNumber ?? null,
    link: qrTargetOf(deviceId, base),
  };
}

/** One field error per id the test picks out, named by its index in the body. */
function fieldsOf(
  ids: readonly string[],
  picks: (id: string) => boolean,
  code: string,
  message: (id: string) => string,
): FieldError[] {
  return ids.flatMap((id, index) => (picks(id) ? [{ field: `deviceIds[${index}]`, code, message: message(id) }] : []));
}
