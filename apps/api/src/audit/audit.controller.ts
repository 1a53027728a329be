import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ChainVerdict, DeviceAuditHistory } from '#kierto/audit';
import { isWellFormedDeviceId } from '#kierto/domain';
import { Requires } from '../access/decorators.js';
import { ApiError, badRequest } from '../http/api-error.js';
import type { Passport } from '#kierto/projections';
import { GetDeviceAuditHistory, GetPassportAsOf, VerifyChain } from './audit-queries.js';
import { PassportAsOfQuery } from './passport-as-of.query.js';

/** Auditor endpoints (docs/audit.md): the `audit:read` permission (auditors, admins). */
@ApiTags('audit')
@Controller('audit')
@Requires('audit:read')
export class AuditController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('verify')
  @ApiOperation({
    summary: 'Recompute the hash chain over the whole store (auditors)',
    description:
      'Streams every event, recomputes each hash and link, and checks positions and per-stream revisions. ' +
      'Answers `{ ok: true, position, headHash, events }` or `{ ok: false, position, reason, detail, verifiedUpTo }` ' +
      'naming the first failing position. 200 either way: a broken chain is an answer, not an error. ' +
      'A cut-off tail or a consistently re-hashed history needs a signed checkpoint (`kierto verify --checkpoint`).',
  })
  @ApiResponse({ status: 200, description: 'The verdict' })
  verify(): Promise<ChainVerdict> {
    return this.queryBus.execute(new VerifyChain());
  }

  @Get('devices/:deviceId/history')
  @ApiOperation({
    summary:
      "A device's full history for auditors: every event in order, with actor, positions, hashes and whether each hash matches its content",
  })
  @ApiParam({ name: 'deviceId' })
  @ApiResponse({ status: 400, description: 'Not a Kierto device id' })
  @ApiResponse({ status: 404, description: 'No such device' })
  async history(@Param('deviceId') deviceId: string): Promise<DeviceAuditHistory> {
    if (!isWellFormedDeviceId(deviceId)) {
      throw badRequest('INVALID_DEVICE_ID', 'deviceId', `${deviceId} is not a Kierto device id (gtin:… or mfr:…)`);
    }
    const history = await this.queryBus.execute(new GetDeviceAuditHistory(deviceId));
    if (history === null) throw new ApiError(404, 'DEVICE_NOT_FOUND', `No device ${deviceId} is registered`);
    return history;
  }

  @Get('devices/:deviceId/passport')
  @ApiOperation({
    summary:
      "A device's passport as it stood at a past moment (`asOf`, by recording time) or global position (`position`)",
    description:
      "Folded from the events with the projector's own evolve function, so it shows what the passport said then.",
  })
  @ApiParam({ name: 'deviceId' })
  @ApiResponse({ status: 400, description: 'Neither or both of asOf and position, or malformed' })
  @ApiResponse({ status: 404, description: 'The device had no events recorded by then' })
  async passportAsOf(@Param('deviceId') deviceId: string, @Query() query: PassportAsOfQuery): Promise<Passport> {
    if (!isWellFormedDeviceId(deviceId)) {
      throw badRequest('INVALID_DEVICE_ID', 'deviceId', `${deviceId} is not a Kierto device id (gtin:… or mfr:…)`);
    }
    if ((query.asOf === undefined) === (query.position === undefined)) {
      throw badRequest(
        'AS_OF_REQUIRED',
        'asOf',
        'Give exactly one of asOf (a date-time) or position (a global position)',
      );
    }
    const asOf = query.asOf !== undefined ? { recordedAt: query.asOf } : { position: Number(query.position) };
    const passport = await this.queryBus.execute(new GetPassportAsOf(deviceId, asOf));
    if (passport === null)
      throw new ApiError(404, 'DEVICE_NOT_FOUND', `Device ${deviceId} had no events recorded by then`);
    return passport;
  }
}
