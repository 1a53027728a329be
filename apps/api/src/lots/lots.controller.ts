import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, StreamableFile } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { seesEverything, type Permission } from '#kierto/access';
import type { HandoverView, LotCommandOutcome, LotRequest, LotView } from '#kierto/application';
import type { RequestBodyByName, RequestName } from '#kierto/schemas';
import { Requires } from '../access/decorators.js';
import { actorFor, requirePrincipal } from '../access/principal.js';
import { ApiError, badRequest } from '../http/api-error.js';
import {
  commandContextOf,
  now,
  recordedEvents,
  setRecordedHeaders,
  type RecordedEvent,
} from '../http/command-context.js';
import { openApiRequestSchema, RequestBodyPipe } from '../http/request-body.pipe.js';
import { deliveryNotePdf } from './delivery-note-pdf.js';
import { GetLot, RecordLotCommand } from './lot-commands.js';

export interface LotRecordedResponse {
  readonly lotId: string;
  readonly revision: number;
  readonly replayed: boolean;
  /** The lot's events and, for an acceptance, each device's DeviceHandedOver; `globalPosition` is what `?minPosition=` takes. */
  readonly events: readonly RecordedEvent[];
}

const LOT_REFUSALS =
  'LOT_NOT_FOUND, HANDOVER_NOT_FOUND, DEVICE_NOT_FOUND (404); NOT_LOT_HOLDER, NOT_HANDOVER_RECEIVER (403); ' +
  'LOT_ALREADY_EXISTS, DEVICE_ALREADY_IN_LOT, HANDOVER_PENDING, HANDOVER_ID_TAKEN, HANDOVER_ALREADY_ACCEPTED, ' +
  'HANDOVER_ALREADY_REJECTED (409); LOT_IS_BULK, LOT_EMPTY, LOT_FULL, DEVICE_NOT_HELD_BY_LOT_HOLDER, ' +
  'OCCURRED_BEFORE_PREVIOUS_EVENT, OCCURRED_IN_FUTURE (422)';

function documented(name: RequestName, summary: string): MethodDecorator {
  const decorators = [
    ApiOperation({ summary }),
    ApiBody({ schema: openApiRequestSchema(name) }),
    ApiResponse({ status: 201, description: 'Recorded' }),
    ApiResponse({ status: 400, description: 'Invalid body or lot id (`error.fields`)' }),
    ApiResponse({ status: 409, description: 'A rule of the lot, a concurrency conflict or a reused Idempotency-Key' }),
    ApiResponse({ status: 422, description: LOT_REFUSALS }),
    ApiHeader({ name: 'Idempotency-Key', required: false }),
    ApiHeader({ name: 'If-Match', required: false, description: 'Revision of the lot stream last seen' }),
  ];
  return (target, key, descriptor) => {
    for (const decorator of decorators) decorator(target, key, descriptor);
  };
}

const LABEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Lot and handover ids are label numbers: letters, digits and `._-`, 1 to 100 characters (the schemas' pattern). */
function checkLabelId(value: string, field: 'lotId' | 'handoverId'): string {
  if (!LABEL_ID.test(value)) {
    throw badRequest(
      field === 'lotId' ? 'INVALID_LOT_ID' : 'INVALID_HANDOVER_ID',
      field,
      `${field} has 1 to 100 letters, digits or ._- and starts with a letter or digit`,
    );
  }
  return value;
}

/**
 * Lots and handovers (docs/adr/0026-lots-and-handovers.md, docs/intake.md "Receiving a pallet"). The
 * permission names the roles; the lot's rules (libs/domain/src/lots.ts) say which organisation may
 * act on which lot: its holder changes and offers it, only the receiver answers a handover, once.
 */
@ApiTags('lots')
@Controller('lots')
export class LotsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post()
  @HttpCode(201)
  @Requires('lot:manage')
  @documented('OpenLot', 'Opens a lot of tracked devices (a pallet, a cage, a shipment), held by your organisation')
  open(
    @Body(new RequestBodyPipe('OpenLot')) body: RequestBodyByName['OpenLot'],
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LotRecordedResponse> {
    return this.record('lot:manage', 'OpenLot', body.lotId, body, request, response);
  }

  @Post('bulk-collections')
  @HttpCode(201)
  @Requires('lot:collect-bulk')
  @documented('CollectBulkWeee', 'Collects bulk WEEE by weight: opens a bulk lot; its mass counts in COL')
  collectBulk(
    @Body(new RequestBodyPipe('CollectBulkWeee')) body: RequestBodyByName['CollectBulkWeee'],
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LotRecordedResponse> {
    return this.record('lot:collect-bulk', 'CollectBulkWeee', body.lotId, body, request, response);
  }

  @Post(':lotId/devices')
  @HttpCode(201)
  @Requires('lot:manage')
  @ApiParam({ name: 'lotId' })
  @documented('AddDevicesToLot', 'Puts devices your organisation holds in its lot')
  addDevices(
    @Param('lotId') lotId: string,
    @Body(new RequestBodyPipe('AddDevicesToLot')) body: RequestBodyByName['AddDevicesToLot'],
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LotRecordedResponse> {
    return this.record('lot:manage', 'AddDevicesToLot', checkLabelId(lotId, 'lotId'), body, request, response);
  }

  @Post(':lotId/handovers')
  @HttpCode(201)
  @Requires('lot:manage')
  @ApiParam({ name: 'lotId' })
  @documented('OfferLotHandover', 'Offers the lot, with its devices, to another organisation')
  offer(
    @Param('lotId') lotId: string,
    @Body(new RequestBodyPipe('OfferLotHandover')) body: RequestBodyByName['OfferLotHandover'],
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LotRecordedResponse> {
    return this.record('lot:manage', 'OfferLotHandover', checkLabelId(lotId, 'lotId'), body, request, response);
  }

  @Post(':lotId/acceptances')
  @HttpCode(201)
  @Requires('lot:receive')
  @ApiParam({ name: 'lotId' })
  @documented(
    'AcceptLotHandover',
    "The receiver accepts a handover with the mass it weighed: the lot and its devices are then the receiver's",
  )
  accept(
    @Param('lotId') lotId: string,
    @Body(new RequestBodyPipe('AcceptLotHandover')) body: RequestBodyByName['AcceptLotHandover'],
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LotRecordedResponse> {
    return this.record('lot:receive', 'AcceptLotHandover', checkLabelId(lotId, 'lotId'), body, request, response);
  }

  @Post(':lotId/rejections')
  @HttpCode(201)
  @Requires('lot:receive')
  @ApiParam({ name: 'lotId' })
  @documented('RejectLotHandover', 'The receiver rejects a handover, with a reason: nothing moves')
  reject(
    @Param('lotId') lotId: string,
    @Body(new RequestBodyPipe('RejectLotHandover')) body: RequestBodyByName['RejectLotHandover'],
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LotRecordedResponse> {
    return this.record('lot:receive', 'RejectLotHandover', checkLabelId(lotId, 'lotId'), body, request, response);
  }

  @Get(':lotId')
  @Requires('lot:read')
  @ApiOperation({
    summary:
      'A lot: holder, devices with unit weights, handovers with the weighbridge difference; ETag is its revision',
  })
  @ApiParam({ name: 'lotId' })
  @ApiResponse({ status: 404, description: 'LOT_NOT_FOUND: no such lot, or not one your organisation took part in' })
  async lot(
    @Param('lotId') lotId: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<LotView> {
    const lot = await this.visibleLot(lotId, request);
    response.setHeader('ETag', `"${lot.revision}"`);
    return lot;
  }

  @Get(':lotId/handovers/:handoverId')
  @Requires('lot:read')
  @ApiOperation({ summary: 'One handover of a lot, with the weighbridge difference once accepted' })
  @ApiParam({ name: 'lotId' })
  @ApiParam({ name: 'handoverId' })
  @ApiResponse({ status: 404, description: 'LOT_NOT_FOUND, HANDOVER_NOT_FOUND' })
  async handover(
    @Param('lotId') lotId: string,
    @Param('handoverId') handoverId: string,
    @Req() request: Request,
  ): Promise<HandoverView> {
    const lot = await this.visibleLot(lotId, request);
    return handoverOf(lot, checkLabelId(handoverId, 'handoverId'));
  }

  @Get(':lotId/handovers/:handoverId/delivery-note.pdf')
  @Requires('lot:read')
  @ApiOperation({ summary: 'The delivery note of a handover, as a PDF to print and sign' })
  @ApiParam({ name: 'lotId' })
  @ApiParam({ name: 'handoverId' })
  @ApiProduces('application/pdf')
  @ApiResponse({ status: 404, description: 'LOT_NOT_FOUND, HANDOVER_NOT_FOUND' })
  async deliveryNote(
    @Param('lotId') lotId: string,
    @Param('handoverId') handoverId: string,
    @Req() request: Request,
  ): Promise<StreamableFile> {
    const lot = await this.visibleLot(lotId, request);
    const handover = handoverOf(lot, checkLabelId(handoverId, 'handoverId'));
    return new StreamableFile(await deliveryNotePdf(lot, handover), {
      type: 'application/pdf',
      disposition: `inline; filename="delivery-note-${handover.handoverId}.pdf"`,
    });
  }

  /**
   * A lot is read by the organisations it concerns: who opened it, who holds it, either party of any
   * of its handovers; and by auditors and admins. To anyone else it does not exist (404, not 403: a
   * lot id is a label number, and guessing one should tell nothing).
   */
  private async visibleLot(lotId: string, request: Request): Promise<LotView> {
    const { organisation } = requirePrincipal(request);
    const lot: LotView | null = await this.queryBus.execute(new GetLot(checkLabelId(lotId, 'lotId')));
    const concerned = (lot: LotView): boolean =>
      lot.openedBy === organisation.id ||
      lot.holder === organisation.id ||
      lot.handovers.some(
        (handover) => handover.fromOrganisationId === organisation.id || handover.toOrganisationId === organisation.id,
      );
    if (lot === null || (!seesEverything(organisation.roles) && !concerned(lot))) {
      throw new ApiError(404, 'LOT_NOT_FOUND', `No lot ${lotId} your organisation took part in`);
    }
    return lot;
  }

  /**
   * Every lot command's steps: the body less `occurredAt` is the command's data, the lot id comes from
   * the path (checked there) or from the body, the organisation asking from authentication.
   */
  private async record<K extends LotRequest['kind']>(
    permission: Permission,
    kind: K,
    lotId: string,
    body: LotDataOf<K> & { readonly occurredAt: string },
    request: Request,
    response: Response,
  ): Promise<LotRecordedResponse> {
    const actor = actorFor(request, permission);
    const { occurredAt, ...data }: { readonly occurredAt: string } = body;
    // The organisation asking comes from authentication, never from the body. The signature pairs kind
    // and data (the body less `occurredAt`) of one variant, which TypeScript cannot follow through the spread.
    const lotRequest = {
      kind,
      lotId,
      data,
      organisationId: actor.organisationId,
      occurredAt,
      now: now(),
    } as LotRequest;
    const outcome: LotCommandOutcome = await this.commandBus.execute(
      new RecordLotCommand(lotRequest, commandContextOf(request, actor)),
    );
    setRecordedHeaders(response, `/lots/${encodeURIComponent(outcome.lotId)}`, outcome);
    return {
      lotId: outcome.lotId,
      revision: outcome.revision,
      replayed: outcome.replayed,
      events: recordedEvents({ ...outcome, streamId: outcome.lotId }),
    };
  }
}

/** The data of one kind of lot command, as its request body carries it (less `occurredAt`). */
type LotDataOf<K extends LotRequest['kind']> = Extract<LotRequest, { readonly kind: K }>['data'];

function handoverOf(lot: LotView, handoverId: string): HandoverView {
  const handover = lot.handovers.find((each) => each.handoverId === handoverId);
  if (handover === undefined) {
    throw new ApiError(404, 'HANDOVER_NOT_FOUND', `Lot ${lot.lotId} has no handover ${handoverId}`);
  }
  return handover;
}
