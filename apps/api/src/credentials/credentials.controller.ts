import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOperation, ApiParam, ApiPropertyOptional, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Request, Response } from 'express';
import { isDeviceEventType, isWellFormedDeviceId } from '#kierto/domain';
import {
  didDocument,
  didWebOf,
  dppCredential,
  dteCredential,
  epcisObjectEvent,
  publicJwkOf,
  signCredential,
  verificationMethodId,
  VC_JWT_MEDIA_TYPE,
  type DidDocument,
  type IssuingDeployment,
} from '#kierto/interop';
import { passportView } from '#kierto/projections';
import { Public } from '../access/decorators.js';
import type { ApiConfig } from '../config.js';
import { GetDeviceHistory } from '../devices/device-queries.js';
import { API_CONFIG } from '../event-store.provider.js';
import { ApiError, badRequest } from '../http/api-error.js';
import { GetPassport } from '../passports/passport-queries.js';
import { SigningKeys } from '../signing/signing-key.js';

/** Query string of the credential endpoints. */
export class CredentialQuery {
  @ApiPropertyOptional({ description: 'Wait until the passports include this global position (DPP credential)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  minPosition?: number;
}

/**
 * The representations a credential endpoint offers, in order of preference: the signed enveloped
 * credential, or the credential alone, unsigned (for reading, not for trusting).
 */
const CREDENTIAL_TYPES = [VC_JWT_MEDIA_TYPE, 'application/vc', 'application/ld+json', 'application/json'] as const;

const CREDENTIAL_RESPONSES = [
  ApiResponse({
    status: 200,
    description:
      'application/vc+jwt (default): the credential signed by the deployment (EdDSA, kid = DID URL of the key); application/vc, application/ld+json or application/json: the same credential unsigned',
  }),
  ApiResponse({ status: 400, description: 'INVALID_DEVICE_ID, VALIDATION_FAILED (query)' }),
  ApiResponse({ status: 404, description: 'DEVICE_NOT_FOUND' }),
  ApiResponse({ status: 406, description: 'NOT_ACCEPTABLE: Accept names none of the types above' }),
  ApiResponse({
    status: 503,
    description: 'PUBLIC_URL_NOT_CONFIGURED: KIERTO_PUBLIC_URL is unset, so there is no issuer',
  }),
];

function documented(...decorators: MethodDecorator[]): MethodDecorator {
  return (target, key, descriptor) => {
    for (const decorator of [...decorators, ...CREDENTIAL_RESPONSES]) decorator(target, key, descriptor);
  };
}

/**
 * UNTP credentials of a passport and the issuer's DID document (docs/interop.md). Public, like the
 * public passport view they carry.
 */
@ApiTags('credentials')
@Controller()
@Public()
export class CredentialsController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly keys: SigningKeys,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Get(['.well-known/did.json', 'did.json'])
  @ApiOperation({
    summary: "The deployment's DID document (did:web of KIERTO_PUBLIC_URL) with its Ed25519 key as a JsonWebKey",
    description:
      'Served at /.well-known/did.json, and at /did.json for a KIERTO_PUBLIC_URL with a path (did:web rules).',
  })
  @ApiResponse({ status: 503, description: 'PUBLIC_URL_NOT_CONFIGURED' })
  didDocument(@Res({ passthrough: true }) response: Response): DidDocument {
    const deployment = this.deployment();
    const key = this.keys.current();
    response.type('application/did+json');
    return didDocument(didWebOf(deployment.publicUrl), key.keyId, publicJwkOf(key.publicKey));
  }

  @Get('passports/:deviceId/credential')
  @documented(
    ApiOperation({
      summary: "The passport's UNTP Digital Product Passport 0.6.0 credential (W3C VC 2.0), of its public view",
    }),
    ApiParam({ name: 'deviceId' }),
  )
  async dpp(
    @Param('deviceId') deviceId: string,
    @Query() query: CredentialQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<object | string> {
    checkDeviceId(deviceId);
    const type = acceptedType(request);
    const deployment = this.deployment();
    const { value } = await this.queryBus.execute(new GetPassport(deviceId, query.minPosition));
    if (value === null) throw deviceNotFound(deviceId);
    return this.answer(dppCredential(passportView(value, 'public'), deployment), type, response);
  }

  @Get('passports/:deviceId/traceability-events/credential')
  @documented(
    ApiOperation({
      summary:
        "The device's lifecycle events as a UNTP Digital Traceability Event 0.6.0 credential (EPCIS ObjectEvents, public detail)",
    }),
    ApiParam({ name: 'deviceId' }),
  )
  async dte(
    @Param('deviceId') deviceId: string,
    @Query() _query: CredentialQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<object | string> {
    checkDeviceId(deviceId);
    const type = acceptedType(request);
    const deployment = this.deployment();
    // The device's stream, read directly: the events are the store's, not a read model's.
    const history = await this.queryBus.execute(new GetDeviceHistory(deviceId));
    const stored = history?.events.filter((event) => isDeviceEventType(event.type)) ?? [];
    if (stored.length === 0) throw deviceNotFound(deviceId);
    const events = stored.map((event) => epcisObjectEvent(event, 'public'));
    return this.answer(dteCredential(deviceId, itemNameOf(stored[0]?.data), events, deployment), type, response);
  }

  /** The credential signed (application/vc+jwt) or as JSON, as the client accepted. */
  private answer(credential: object, type: CredentialType, response: Response): object | string {
    response.vary('Accept');
    if (type !== VC_JWT_MEDIA_TYPE) {
      response.type(type);
      return credential;
    }
    const key = this.keys.current();
    const kid = verificationMethodId(didWebOf(this.deployment().publicUrl), key.keyId);
    response.type(VC_JWT_MEDIA_TYPE);
    return signCredential(credential, key.privateKey, kid);
  }

  /**
   * The issuer is the did:web of KIERTO_PUBLIC_URL. Without it there is no address a verifier could
   * resolve the key at, and the request's Host header is the client's to choose: refuse, clearly.
   */
  private deployment(): IssuingDeployment {
    if (this.config.publicUrl === null) {
      throw new ApiError(
        503,
        'PUBLIC_URL_NOT_CONFIGURED',
        'This deployment issues no credentials: set KIERTO_PUBLIC_URL to its public https address (the issuer is its did:web)',
      );
    }
    return { publicUrl: this.config.publicUrl };
  }
}

type CredentialType = (typeof CREDENTIAL_TYPES)[number];

function acceptedType(request: Request): CredentialType {
  const type = request.accepts([...CREDENTIAL_TYPES]);
  if (type === false) {
    throw new ApiError(406, 'NOT_ACCEPTABLE', `A credential is available as ${CREDENTIAL_TYPES.join(', ')}`, [
      { field: 'Accept', code: 'NOT_ACCEPTABLE', message: `Accept one of ${CREDENTIAL_TYPES.join(', ')}` },
    ]);
  }
  return type as CredentialType;
}

function checkDeviceId(deviceId: string): void {
  if (!isWellFormedDeviceId(deviceId)) {
    throw badRequest('INVALID_DEVICE_ID', 'deviceId', `${deviceId} is not a Kierto device id (gtin:… or mfr:…)`);
  }
}

function deviceNotFound(deviceId: string): ApiError {
  return new ApiError(404, 'DEVICE_NOT_FOUND', `No device ${deviceId} is registered`);
}

/** "Brand Model" from the first event's product description, else the device's WEEE category. */
function itemNameOf(data: unknown): string {
  const product = (data as { product?: { brand?: string; model?: string; weeeCategory?: number } } | undefined)
    ?.product;
  const name = [product?.brand, product?.model].filter((part) => part !== undefined && part !== '').join(' ');
  return name === '' ? `WEEE category ${String(product?.weeeCategory ?? 'unknown')} equipment` : name;
}
