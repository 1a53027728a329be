import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import {
  createKey,
  OrganisationExistsError,
  type AccessStore,
  type ApiKeyRecord,
  KeyCache,
  type Organisation,
  ROLES,
  type Role,
} from '#kierto/access';
import { ApiError } from '../http/api-error.js';
import { ACCESS_STORE, KEY_CACHE } from './access.tokens.js';
import { Requires } from './decorators.js';

/** Administrative bodies are not events, so they are plain DTOs rather than schemas/v1 contracts. */
export class CreateOrganisationBody {
  @ApiProperty({
    example: 'producer-fi-0042',
    description: "Stable id; a producer's id is the producerId of its events",
  })
  @Matches(/^[a-z0-9][a-z0-9._-]{0,99}$/)
  id!: string;

  @ApiProperty({ example: 'Example Devices Oy' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({
    enum: ROLES,
    isArray: true,
    minItems: 1,
    maxItems: ROLES.length,
    description: 'Each role at most once',
  })
  @IsArray()
  @ArrayMinSize(1)
  // Bounded so that a huge array is refused before it is checked item by item.
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}

export class CreateApiKeyBody {
  @ApiProperty({ example: 'warehouse scanner' })
  @IsString()
  @Length(1, 200)
  label!: string;

  @ApiPropertyOptional({ example: '2027-12-31T23:59:59Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export type ShownKey = Omit<ApiKeyRecord, 'secretHash'>;

@ApiTags('organisations')
@Controller('organisations')
@Requires('organisations:manage')
export class OrganisationsController {
  constructor(
    @Inject(ACCESS_STORE) private readonly access: AccessStore,
    @Inject(KEY_CACHE) private readonly keyCache: KeyCache,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Register an organisation with its roles (admin)' })
  @ApiResponse({ status: 409, description: 'ORGANISATION_EXISTS' })
  async create(@Body() body: CreateOrganisationBody): Promise<Organisation> {
    const organisation: Organisation = {
      id: body.id,
      name: body.name,
      roles: [...new Set(body.roles)],
      createdAt: new Date().toISOString(),
    };
    try {
      await this.access.createOrganisation(organisation);
    } catch (error) {
      if (error instanceof OrganisationExistsError) throw new ApiError(409, error.code, error.message);
      throw error;
    }
    return organisation;
  }

  @Get()
  @ApiOperation({ summary: 'List organisations (admin)' })
  list(): Promise<Organisation[]> {
    return this.access.listOrganisations();
  }

  @Post(':organisationId/api-keys')
  @HttpCode(201)
  @ApiOperation({ summary: 'Issue an API key; the token is in this response only and is never shown again (admin)' })
  async issue(
    @Param('organisationId') organisationId: string,
    @Body() body: CreateApiKeyBody,
  ): Promise<ShownKey & { token: string }> {
    await this.organisation(organisationId);
    const now = new Date();
    if (body.expiresAt !== undefined && Date.parse(body.expiresAt) <= now.getTime()) {
      throw new ApiError(400, 'VALIDATION_FAILED', 'expiresAt lies in the past', [
        { field: 'expiresAt', code: 'OUT_OF_RANGE', message: 'expiresAt must lie in the future' },
      ]);
    }
    const { record, token } = await createKey(this.access, organisationId, {
      label: body.label,
      expiresAt: body.expiresAt ?? null,
      now,
    });
    return { ...record, token };
  }

  @Get(':organisationId/api-keys')
  @ApiOperation({ summary: "An organisation's keys, without secrets (admin)" })
  async keys(@Param('organisationId') organisationId: string): Promise<ShownKey[]> {
    await this.organisation(organisationId);
    return (await this.access.listKeys(organisationId)).map(({ secretHash: _hidden, ...shown }) => shown);
  }

  @Post(':organisationId/api-keys/:keyId/revocation')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revoke a key at once (admin); revoking twice keeps the first time',
    description: 'Takes no body: send none, or an empty JSON object `{}`. A body with fields is a 400.',
  })
  @ApiResponse({ status: 400, description: 'A body with fields (VALIDATION_FAILED, UNKNOWN_FIELD)' })
  @ApiResponse({ status: 404, description: 'KEY_NOT_FOUND' })
  async revoke(
    @Param('organisationId') organisationId: string,
    @Param('keyId') keyId: string,
    @Req() request: Request,
  ): Promise<ShownKey> {
    refuseBody(request.body);
    const revoked = await this.access.revokeKey(organisationId, keyId, new Date().toISOString());
    // From this instance's next request on; other instances within their cache's bound (ADR 0035).
    this.keyCache.forget(keyId);
    if (revoked === null)
      throw new ApiError(404, 'KEY_NOT_FOUND', `Organisation ${organisationId} has no key ${keyId}`);
    const { secretHash: _hidden, ...shown } = revoked;
    return shown;
  }

  private async organisation(id: string): Promise<Organisation> {
    const organisation = await this.access.getOrganisation(id);
    if (organisation === null) throw new ApiError(404, 'ORGANISATION_NOT_FOUND', `No organisation ${id}`);
    return organisation;
  }
}

/**
 * Revocation takes no body. Clients that always send JSON may send `{}`; anything with content is
 * refused rather than ignored, so that a caller who thinks it is passing something learns it is not.
 */
function refuseBody(body: unknown): void {
  if (body === undefined) return;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError(400, 'VALIDATION_FAILED', 'This route takes no body', [
      { field: '(body)', code: 'NOT_ALLOWED', message: 'Send no body, or {}' },
    ]);
  }
  const fields = Object.keys(body);
  if (fields.length === 0) return;
  throw new ApiError(
    400,
    'VALIDATION_FAILED',
    'This route takes no body',
    fields.map((field) => ({
      field,
      code: 'UNKNOWN_FIELD',
      message: `${field} is not a field of this route: it takes no body`,
    })),
  );
}
