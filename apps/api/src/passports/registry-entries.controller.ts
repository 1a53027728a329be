import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Request, Response } from 'express';
import { seesEverything, type Principal } from '#kierto/access';
import { isWellFormedDeviceId } from '#kierto/domain';
import { registryEntryOf, type RegistryEntry, type WithoutRegistryEntry } from '#kierto/interop';
import type { Passport } from '#kierto/projections';
import { forbidden, requirePrincipal } from '../access/principal.js';
import { Requires } from '../access/decorators.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG } from '../event-store.provider.js';
import { ApiError, badRequest } from '../http/api-error.js';
import { GetPassport } from './passport-queries.js';
import { CHECKPOINT_HEADER } from './passports.controller.js';
import { GetPassportsPage } from './registry-queries.js';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export class RegistryEntryQuery {
  @ApiPropertyOptional({
    description: 'Wait until the passports include this global position (from a command response)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

export class RegistryEntriesQuery extends RegistryEntryQuery {
  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page; absent for the first page' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  cursor?: string;

  @ApiPropertyOptional({ description: `Passports read per page, 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT})` })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;
}

export interface RegistryEntriesPage {
  readonly entries: readonly RegistryEntry[];
  /** Passports of the page that give no entry, each with the reason (e.g. no placing on the market recorded). */
  readonly withoutEntry: readonly WithoutRegistryEntry[];
  /** Pass as `cursor` for the next page; null after the last. A page may hold fewer entries than `limit`. */
  readonly nextCursor: string | null;
}

/**
 * ESPR registry entries (docs/digital-link.md, "ESPR registry entry"): what the EU DPP registry keeps
 * per passport, in the CIRPASS-2 schema's shape. A producer reads the entries of the units it placed
 * on the market (it is their responsible economic operator); auditors and admins read all.
 */
@ApiTags('passports')
@Controller()
@Requires('registry:read')
export class RegistryEntriesController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get('passports/:deviceId/registry-entry')
  @ApiOperation({ summary: "A passport's ESPR registry entry (CIRPASS-2 registry metadata schema)" })
  @ApiParam({ name: 'deviceId' })
  @ApiOkResponse({ description: 'The entry; `kierto:notRecorded` names the members that hold a placeholder' })
  @ApiResponse({ status: 404, description: 'DEVICE_NOT_FOUND, or NO_REGISTRY_ENTRY (the message says why)' })
  async entry(
    @Param('deviceId') deviceId: string,
    @Query() query: RegistryEntryQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RegistryEntry> {
    if (!isWellFormedDeviceId(deviceId)) {
      throw badRequest('INVALID_DEVICE_ID', 'deviceId', `${deviceId} is not a Kierto device id (gtin:… or mfr:…)`);
    }
    const principal = requirePrincipal(request);
    const { value, checkpoint } = await this.queryBus.execute(new GetPassport(deviceId, query.minPosition));
    response.setHeader(CHECKPOINT_HEADER, String(checkpoint));
    if (value === null) {
      throw new ApiError(
        404,
        'DEVICE_NOT_FOUND',
        `No passport for device ${deviceId} at projection position ${checkpoint}`,
      );
    }
    if (!mayRead(principal, value)) {
      throw forbidden('registry:read', 'A producer reads the registry entries of the units it placed on the market');
    }
    const outcome = registryEntryOf(value, this.baseOf(request));
    if (!('entry' in outcome)) throw new ApiError(404, 'NO_REGISTRY_ENTRY', outcome.reason);
    return outcome.entry;
  }

  @Get('registry-entries')
  @ApiOperation({
    summary: 'Every ESPR registry entry, a page at a time in device-id order (batch export for the EU DPP registry)',
  })
  @ApiOkResponse({ description: '`entries`, `withoutEntry` (device id and reason) and `nextCursor`' })
  @ApiResponse({ status: 400, description: 'INVALID_CURSOR, or a malformed query parameter' })
  async entries(
    @Query() query: RegistryEntriesQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RegistryEntriesPage> {
    const principal = requirePrincipal(request);
    const after = query.cursor ?? null;
    if (after !== null && !isWellFormedDeviceId(after)) {
      throw badRequest('INVALID_CURSOR', 'cursor', 'Pass the nextCursor of the previous page');
    }
    const limit = query.limit ?? DEFAULT_LIMIT;
    const { value, checkpoint } = await this.queryBus.execute(new GetPassportsPage(after, limit, query.minPosition));
    response.setHeader(CHECKPOINT_HEADER, String(checkpoint));
    const base = this.baseOf(request);
    const entries: RegistryEntry[] = [];
    const withoutEntry: WithoutRegistryEntry[] = [];
    // The page is read, then scoped: a producer's page may hold fewer entries, never another's.
    for (const passport of value.filter((p) => mayRead(principal, p))) {
      const outcome = registryEntryOf(passport, base);
      if ('entry' in outcome) entries.push(outcome.entry);
      else withoutEntry.push(outcome);
    }
    const last = value.at(-1);
    return { entries, withoutEntry, nextCursor: value.length === limit && last !== undefined ? last.deviceId : null };
  }

  /** Registry URLs are absolute: KIERTO_PUBLIC_URL, else the origin the request reached. */
  private baseOf(request: Request): string {
    return this.config.publicUrl ?? `${request.protocol}://${request.get('host') ?? 'localhost'}`;
  }
}

function mayRead(principal: Principal, passport: Passport): boolean {
  const roles = principal.organisation.roles;
  return seesEverything(roles) || passport.placedOnMarket?.producerId === principal.organisation.id;
}
