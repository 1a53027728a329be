import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { MembershipCommand } from '#kierto/domain';
import type { CommandOutcome } from '#kierto/application';
import { readScope } from '#kierto/access';
import { Requires } from '../access/decorators.js';
import { actorFor, forbidden, requirePrincipal } from '../access/principal.js';
import type { RequestBodyByName } from '#kierto/schemas';
import { ApiError, badRequest } from '../http/api-error.js';
import {
  commandContextOf,
  now,
  recordedEvents,
  setRecordedHeaders,
  type RecordedEvent,
} from '../http/command-context.js';
import { openApiRequestSchema, RequestBodyPipe } from '../http/request-body.pipe.js';
import { GetMembershipHistory, type MembershipHistory } from './membership-history.js';
import { RecordMembershipChange } from './record-membership-change.js';

export interface MembershipRecordedResponse {
  readonly producerId: string;
  readonly revision: number;
  readonly replayed: boolean;
  /** `globalPosition` is what `?minPosition=` of the statistics takes. */
  readonly events: readonly RecordedEvent[];
}

function documented(...decorators: MethodDecorator[]): MethodDecorator {
  const common = [
    ApiParam({ name: 'producerId' }),
    ApiResponse({ status: 201, description: 'Recorded' }),
    ApiResponse({ status: 400, description: 'Invalid body, header or producer id (`error.fields`)' }),
    ApiResponse({ status: 409, description: 'Concurrency conflict or a reused Idempotency-Key' }),
    ApiResponse({
      status: 422,
      description: 'ALREADY_MEMBER, NOT_A_MEMBER, OCCURRED_BEFORE_PREVIOUS_EVENT, OCCURRED_IN_FUTURE',
    }),
    ApiHeader({ name: 'Idempotency-Key', required: false }),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'Revision of the producer membership stream last seen',
    }),
  ];
  return (target, key, descriptor) => {
    for (const decorator of [...decorators, ...common]) decorator(target, key, descriptor);
  };
}

/**
 * Producer organisation membership (libs/domain/src/membership.ts). The producer is the path; the
 * body is the event's data plus when the change takes effect, which may lie in the past: statistics
 * attribute by effect time, so a change recorded late still moves the figures it concerns.
 */
@ApiTags('producers')
@Controller('producers')
export class ProducersController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post(':producerId/memberships')
  @HttpCode(201)
  @Requires('membership:record')
  @documented(
    ApiOperation({ summary: 'A producer joins a producer organisation (at most one at a time)' }),
    ApiBody({ schema: openApiRequestSchema('JoinProducerOrganisation') }),
  )
  join(
    @Param('producerId') producerId: string,
    @Body(new RequestBodyPipe('JoinProducerOrganisation')) body: RequestBodyByName['JoinProducerOrganisation'],
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MembershipRecordedResponse> {
    const { occurredAt, ...data } = body;
    return this.record(
      { kind: 'JoinProducerOrganisation', producerId: checkProducerId(producerId), occurredAt, now: now(), data },
      request,
      response,
    );
  }

  @Post(':producerId/departures')
  @HttpCode(201)
  @Requires('membership:record')
  @documented(
    ApiOperation({ summary: 'A producer leaves the producer organisation it is in' }),
    ApiBody({ schema: openApiRequestSchema('LeaveProducerOrganisation') }),
  )
  leave(
    @Param('producerId') producerId: string,
    @Body(new RequestBodyPipe('LeaveProducerOrganisation')) body: RequestBodyByName['LeaveProducerOrganisation'],
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MembershipRecordedResponse> {
    const { occurredAt, ...data } = body;
    return this.record(
      { kind: 'LeaveProducerOrganisation', producerId: checkProducerId(producerId), occurredAt, now: now(), data },
      request,
      response,
    );
  }

  @Get(':producerId/memberships')
  @Requires('membership:read')
  @ApiOperation({ summary: "A producer's membership history and current organisation; ETag is its revision" })
  @ApiParam({ name: 'producerId' })
  @ApiResponse({ status: 404, description: 'PRODUCER_NOT_FOUND: no membership recorded for this producer' })
  async memberships(
    @Param('producerId') producerId: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MembershipHistory> {
    // A producer reads its own memberships. Producer organisations read any producer's: which scheme
    // a producer belongs to is public in the national producer registers anyway.
    const { organisation } = requirePrincipal(request);
    if (readScope(organisation).kind === 'producer' && producerId !== organisation.id) {
      throw forbidden(
        'membership:read',
        `A producer reads only its own memberships (${organisation.id})`,
        'producerId',
      );
    }
    const history = await this.queryBus.execute(new GetMembershipHistory(checkProducerId(producerId)));
    if (history === null) {
      throw new ApiError(404, 'PRODUCER_NOT_FOUND', `No membership is recorded for producer ${producerId}`);
    }
    response.setHeader('ETag', `"${history.revision}"`);
    return history;
  }

  private async record(
    command: MembershipCommand,
    request: Request,
    response: Response,
  ): Promise<MembershipRecordedResponse> {
    const actor = actorFor(request, 'membership:record');
    // An organisation records who joins and leaves it; only an admin records for any organisation.
    if (actor.role !== 'admin' && command.data.organisationId !== actor.organisationId) {
      throw forbidden(
        'membership:record',
        `Your organisation records memberships of ${actor.organisationId} only`,
        'organisationId',
      );
    }
    const outcome: CommandOutcome = await this.commandBus.execute(
      new RecordMembershipChange(command, commandContextOf(request, actor)),
    );
    setRecordedHeaders(response, `/producers/${encodeURIComponent(command.producerId)}/memberships`, outcome);
    return {
      producerId: command.producerId,
      revision: outcome.revision,
      replayed: outcome.replayed,
      events: recordedEvents(outcome),
    };
  }
}

/** Producer ids are the ones devices are placed on the market with: 1 to 200 printable characters. */
function checkProducerId(producerId: string): string {
  if (producerId.length === 0 || producerId.length > 200 || /\p{Cc}/u.test(producerId)) {
    throw badRequest('INVALID_PRODUCER_ID', 'producerId', 'A producer id has 1 to 200 printable characters');
  }
  return producerId;
}
