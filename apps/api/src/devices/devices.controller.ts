import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { deviceIdOf, identifierOfProduct, isWellFormedDeviceId, type DeviceCommand } from '#kierto/domain';
import { DEVICE_COMMAND_PERMISSIONS, mayRecord, type CommandToAuthorise } from '#kierto/access';
import type { CommandOutcome } from '#kierto/application';
import type { Actor } from '#kierto/event-store';
import { Requires } from '../access/decorators.js';
import { forbidden, requirePrincipal } from '../access/principal.js';
import { ApiError, badRequest } from '../http/api-error.js';
import {
  commandContextOf,
  now,
  recordedEvents,
  setRecordedHeaders,
  type RecordedEvent,
} from '../http/command-context.js';
import { openApiRequestSchema, RequestBodyPipe } from '../http/request-body.pipe.js';
import { GetDeviceHistory, GetDeviceSummary, type DeviceHistory, type DeviceSummary } from './device-queries.js';
import type {
  CollectDeviceBody,
  PlaceDeviceOnMarketBody,
  RecordDataWipeBody,
  RecordRecyclingBody,
  RecordRepairBody,
  RecordResaleBody,
} from './request-bodies.js';
import { RecordDeviceEvent } from './record-device-event.js';
import {
  DevicesQuery,
  GetStock,
  isStockQuery,
  stockCsv,
  stockDocument,
  stockFilterOf,
  type StockDocument,
} from './stock.js';

export interface RecordedResponse {
  readonly deviceId: string;
  readonly revision: number;
  readonly replayed: boolean;
  readonly events: readonly RecordedEvent[];
}

const ERROR_RESPONSES = [
  ApiResponse({
    status: 400,
    description:
      'Invalid body, header or parameter: `error.fields` names each field at fault. Text must be well-formed Unicode without NUL (INVALID_CHARACTER, INVALID_UTF8); bodies nest at most 32 levels (NESTING_TOO_DEEP)',
  }),
  ApiResponse({ status: 409, description: 'Concurrency conflict, duplicate registration or a reused Idempotency-Key' }),
  ApiResponse({ status: 413, description: 'Body larger than the server accepts' }),
  ApiResponse({ status: 415, description: 'Body is not application/json' }),
  ApiResponse({ status: 422, description: 'A lifecycle rule refuses the command: `error.code` names the rule' }),
];
const COMMAND_HEADERS = [
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Retry-safe key: the same key and body return the first result and append nothing',
  }),
  ApiHeader({
    name: 'If-Match',
    required: false,
    description: 'Revision the caller last saw (the ETag of GET /devices/{deviceId}); a moved device is a 409',
  }),
  ApiHeader({
    name: 'X-Correlation-Id',
    required: false,
    description: 'Echoed back and recorded in the event envelope',
  }),
];

function documented(...decorators: MethodDecorator[]): MethodDecorator {
  return (target, key, descriptor) => {
    for (const decorator of [...decorators, ...ERROR_RESPONSES, ...COMMAND_HEADERS]) decorator(target, key, descriptor);
  };
}

@ApiTags('devices')
@Controller('devices')
export class DevicesController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @Requires(DEVICE_COMMAND_PERMISSIONS.PlaceDeviceOnMarket)
  @documented(
    ApiOperation({
      summary:
        'Place a device on the market: starts its history (producers, as themselves: producerId is your organisation id)',
    }),
    ApiBody({ schema: openApiRequestSchema('PlaceDeviceOnMarket') }),
    ApiResponse({ status: 201, description: 'Recorded; Location names the device' }),
  )
  placeOnMarket(
    @Body(new RequestBodyPipe('PlaceDeviceOnMarket')) body: PlaceDeviceOnMarketBody,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RecordedResponse> {
    const { occurredAt, ...data } = body;
    // Whether the caller may place this device comes before whether its identifier is valid.
    const actor = actorOf({ kind: 'PlaceDeviceOnMarket', data }, request);
    const deviceId = deviceIdOf(identifierOfProduct(data.product), 'product.');
    return this.record(
      { kind: 'PlaceDeviceOnMarket', deviceId, occurredAt, now: now(), data },
      request,
      response,
      actor,
    );
  }

  @Post(':deviceId/collections')
  @HttpCode(201)
  @Requires(DEVICE_COMMAND_PERMISSIONS.CollectDevice)
  @documented(
    ApiOperation({ summary: 'Record a collection (collectors); a device new to Kierto needs `product`' }),
    ApiParam({ name: 'deviceId' }),
    ApiBody({ schema: openApiRequestSchema('CollectDevice') }),
  )
  collect(
    @Param('deviceId') deviceId: string,
    @Body(new RequestBodyPipe('CollectDevice')) body: CollectDeviceBody,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RecordedResponse> {
    const { occurredAt, ...data } = body;
    return this.record(
      { kind: 'CollectDevice', deviceId: checkDeviceId(deviceId), occurredAt, now: now(), data },
      request,
      response,
    );
  }

  @Post(':deviceId/data-wipes')
  @HttpCode(201)
  @Requires(DEVICE_COMMAND_PERMISSIONS.RecordDataWipe)
  @documented(
    ApiOperation({ summary: 'Record a data wipe (refurbishers)' }),
    ApiParam({ name: 'deviceId' }),
    ApiBody({ schema: openApiRequestSchema('RecordDataWipe') }),
  )
  wipe(
    @Param('deviceId') deviceId: string,
    @Body(new RequestBodyPipe('RecordDataWipe')) body: RecordDataWipeBody,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RecordedResponse> {
    const { occurredAt, ...data } = body;
    return this.record(
      { kind: 'RecordDataWipe', deviceId: checkDeviceId(deviceId), occurredAt, now: now(), data },
      request,
      response,
    );
  }

  @Post(':deviceId/repairs')
  @HttpCode(201)
  @Requires(DEVICE_COMMAND_PERMISSIONS.RecordRepair)
  @documented(
    ApiOperation({ summary: 'Record a repair in Open Repair Data Standard terms (repairers)' }),
    ApiParam({ name: 'deviceId' }),
    ApiBody({ schema: openApiRequestSchema('RecordRepair') }),
  )
  repair(
    @Param('deviceId') deviceId: string,
    @Body(new RequestBodyPipe('RecordRepair')) body: RecordRepairBody,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RecordedResponse> {
    const { occurredAt, ...data } = body;
    return this.record(
      { kind: 'RecordRepair', deviceId: checkDeviceId(deviceId), occurredAt, now: now(), data },
      request,
      response,
    );
  }

  @Post(':deviceId/resales')
  @HttpCode(201)
  @Requires(DEVICE_COMMAND_PERMISSIONS.RecordResale)
  @documented(
    ApiOperation({ summary: 'Record a resale (refurbishers); a data-bearing device needs a passing wipe first' }),
    ApiParam({ name: 'deviceId' }),
    ApiBody({ schema: openApiRequestSchema('RecordResale') }),
  )
  resell(
    @Param('deviceId') deviceId: string,
    @Body(new RequestBodyPipe('RecordResale')) body: RecordResaleBody,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RecordedResponse> {
    const { occurredAt, ...data } = body;
    return this.record(
      { kind: 'RecordResale', deviceId: checkDeviceId(deviceId), occurredAt, now: now(), data },
      request,
      response,
    );
  }

  @Post(':deviceId/recycling')
  @HttpCode(201)
  @Requires(DEVICE_COMMAND_PERMISSIONS.RecordRecycling)
  @documented(
    ApiOperation({ summary: 'Record recycling and its outputs (recyclers); closes the history' }),
    ApiParam({ name: 'deviceId' }),
    ApiBody({ schema: openApiRequestSchema('RecordRecycling') }),
  )
  recycle(
    @Param('deviceId') deviceId: string,
    @Body(new RequestBodyPipe('RecordRecycling')) body: RecordRecyclingBody,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RecordedResponse> {
    const { occurredAt, ...data } = body;
    return this.record(
      { kind: 'RecordRecycling', deviceId: checkDeviceId(deviceId), occurredAt, now: now(), data },
      request,
      response,
    );
  }

  @Get()
  @Requires('device:read-state')
  @ApiOperation({
    summary:
      'Find a device by GTIN + serial number, manufacturer + serial number, or issuer + local id; without identifiers, ' +
      'the stock: the devices your organisation holds, filtered and cursor-paged, JSON or text/csv (docs/intake.md)',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiResponse({
    status: 200,
    description: 'The device (`deviceId` is what the other endpoints take), or a stock page',
  })
  @ApiResponse({ status: 404, description: 'No such device (the message names the id it would have)' })
  async find(
    @Query() query: DevicesQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DeviceSummary | StockDocument | string> {
    if (isStockQuery(query)) return this.stock(query, request, response);
    const { gtin, manufacturer, serialNumber, issuer, localId } = query;
    const local = issuer !== undefined && localId !== undefined ? { issuer, value: localId } : undefined;
    const deviceId = deviceIdOf(identifierOfProduct({ gtin, manufacturer, serialNumber, localId: local }));
    return this.summary(deviceId, response);
  }

  @Get(':deviceId')
  @Requires('device:read-state')
  @ApiOperation({ summary: "A device's current state, folded from its history; ETag is its revision" })
  @ApiParam({ name: 'deviceId' })
  @ApiResponse({ status: 404, description: 'No such device' })
  get(@Param('deviceId') deviceId: string, @Res({ passthrough: true }) response: Response): Promise<DeviceSummary> {
    return this.summary(checkDeviceId(deviceId), response);
  }

  @Get(':deviceId/events')
  @Requires('device:read-history')
  @ApiOperation({ summary: "A device's history: every event with its full envelope (positions, actor, hashes)" })
  @ApiParam({ name: 'deviceId' })
  @ApiResponse({ status: 404, description: 'No such device' })
  async history(@Param('deviceId') deviceId: string): Promise<DeviceHistory> {
    const id = checkDeviceId(deviceId);
    const history = await this.queryBus.execute(new GetDeviceHistory(id));
    if (history === null) throw deviceNotFound(id);
    return history;
  }

  /** The stock list: what the caller's organisation holds (libs/projections/src/stock). */
  private async stock(query: DevicesQuery, request: Request, response: Response): Promise<StockDocument | string> {
    const holder = requirePrincipal(request).organisation.id;
    const page = await this.queryBus.execute(new GetStock(stockFilterOf(holder, query), query.minPosition));
    const document = stockDocument(holder, page);
    response.vary('Accept');
    if (document.nextCursor !== null) {
      const next = new URLSearchParams(request.query as Record<string, string>);
      next.set('cursor', document.nextCursor);
      response.setHeader('Link', `</devices?${next.toString()}>; rel="next"`);
    }
    if (request.accepts(['application/json', 'text/csv']) === 'text/csv') {
      response.type('text/csv; charset=utf-8');
      return stockCsv(document);
    }
    return document;
  }

  private async summary(deviceId: string, response: Response): Promise<DeviceSummary> {
    const summary = await this.queryBus.execute(new GetDeviceSummary(deviceId));
    if (summary === null) throw deviceNotFound(deviceId);
    response.setHeader('ETag', `"${summary.revision}"`);
    return summary;
  }

  private async record(
    command: DeviceCommand,
    request: Request,
    response: Response,
    actor: Actor = actorOf(command, request),
  ): Promise<RecordedResponse> {
    // Placing on the market starts the device's stream: decided without reading it first (libs/application).
    const context = { ...commandContextOf(request, actor), startsStream: command.kind === 'PlaceDeviceOnMarket' };
    const outcome: CommandOutcome = await this.commandBus.execute(new RecordDeviceEvent(command, context));
    setRecordedHeaders(response, `/devices/${outcome.streamId}`, outcome);
    return {
      deviceId: outcome.streamId,
      revision: outcome.revision,
      replayed: outcome.replayed,
      events: recordedEvents(outcome),
    };
  }
}

/**
 * The envelope's actor, once the access rules allow the command (libs/access/src/data-rules.ts, the
 * same rules bulk import applies): the route's guard has checked the permission; the rules add what
 * depends on the body (a producer places on the market only as itself). The desk's forms use it too.
 */
export function actorOf(command: CommandToAuthorise, request: Request): Actor {
  const { organisation, keyId } = requirePrincipal(request);
  const decision = mayRecord(organisation, command);
  if (!decision.allowed) {
    throw forbidden(DEVICE_COMMAND_PERMISSIONS[command.kind], decision.message, decision.field ?? undefined);
  }
  return { organisationId: organisation.id, role: decision.role, keyId };
}

export function checkDeviceId(deviceId: string): string {
  if (!isWellFormedDeviceId(deviceId)) {
    throw badRequest('INVALID_DEVICE_ID', 'deviceId', `${deviceId} is not a Kierto device id (gtin:… or mfr:…)`);
  }
  return deviceId;
}

export function deviceNotFound(deviceId: string): ApiError {
  return new ApiError(404, 'DEVICE_NOT_FOUND', `No device ${deviceId} is registered`);
}
