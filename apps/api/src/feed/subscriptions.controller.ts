import { randomBytes } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { EventStore } from '#kierto/event-store';
import { Requires } from '../access/decorators.js';
import { forbidden, requirePrincipal } from '../access/principal.js';
import type { ApiConfig } from '../config.js';
import { API_CONFIG, EVENT_STORE } from '../event-store.provider.js';
import { ApiError, type FieldError } from '../http/api-error.js';
import type { WebhookDeliverer } from './deliverer.js';
import { checkDeviceIds, checkEventTypes, FEED_PERMISSION, feedRefusal } from './feed-query.js';
import { newWebhookSecret } from './signature.js';
import type { Subscription, SubscriptionStore } from './subscription-store.js';
import { webhookUrlRefusal } from './webhook-url.js';

export const SUBSCRIPTIONS = Symbol('SUBSCRIPTIONS');
export const WEBHOOK_DELIVERER = Symbol('WEBHOOK_DELIVERER');
/** Subscriptions one organisation may hold: each one is a stream of outgoing requests. */
export const MAX_SUBSCRIPTIONS_PER_ORGANISATION = 20;

/** A subscription as its organisation sees it: everything but the secret. */
export type SubscriptionView = Omit<Subscription, 'secret' | 'organisationId'>;

/** The answer that creates it: the only one that shows the secret. */
export type CreatedSubscription = SubscriptionView & { readonly secret: string };

export interface SubscriptionRequest {
  readonly url: string;
  readonly eventTypes: readonly string[] | null;
  readonly deviceIds: readonly string[] | null;
  readonly after: number | null;
}

const FIELDS = ['url', 'eventTypes', 'deviceIds', 'after'];

/** The body of POST /subscriptions, checked field by field; every fault is named. */
export function parseSubscriptionRequest(body: unknown, allowPrivate: boolean): SubscriptionRequest {
  const errors: FieldError[] = [];
  const fields: Record<string, unknown> =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  for (const name of Object.keys(fields)) {
    if (!FIELDS.includes(name)) errors.push({ field: name, code: 'UNKNOWN_FIELD', message: `Unknown field ${name}` });
  }
  const url = fields['url'];
  if (typeof url !== 'string') {
    errors.push({ field: 'url', code: 'INVALID_VALUE', message: 'url is required: the http(s) URL to POST events to' });
  } else {
    const refusal = webhookUrlRefusal(url, allowPrivate);
    if (refusal !== null) errors.push({ field: 'url', code: 'INVALID_WEBHOOK_URL', message: refusal });
  }
  const eventTypes = listField(fields, 'eventTypes', errors, checkEventTypes);
  const deviceIds = listField(fields, 'deviceIds', errors, checkDeviceIds);
  const after = fields['after'];
  if (after !== undefined && !(Number.isSafeInteger(after) && (after as number) >= 0)) {
    errors.push({ field: 'after', code: 'INVALID_VALUE', message: 'after must be a global position (an integer ≥ 0)' });
  }
  if (errors.length > 0) throw new ApiError(400, 'VALIDATION_FAILED', 'The subscription is invalid', errors);
  return { url: url as string, eventTypes, deviceIds, after: after === undefined ? null : (after as number) };
}

function listField(
  fields: Record<string, unknown>,
  name: string,
  errors: FieldError[],
  check: (items: readonly unknown[], field: string, errors: FieldError[]) => string[],
): string[] | null {
  const value = fields[name];
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) {
    errors.push({ field: name, code: 'INVALID_VALUE', message: `${name} must be an array` });
    return null;
  }
  return check(value as unknown[], name, errors);
}

export function viewOf(subscription: Subscription): SubscriptionView {
  const { secret: _secret, organisationId: _organisation, ...view } = subscription;
  return view;
}

function notFound(id: string): ApiError {
  return new ApiError(404, 'SUBSCRIPTION_NOT_FOUND', `Your organisation has no subscription ${id}`);
}

/**
 * Webhook subscriptions of the caller's organisation (docs/feed.md). Registering one is a way to read
 * the feed, so it needs the feed's permission and read scope; an organisation sees and changes only
 * its own.
 */
@ApiTags('feed')
@Controller('subscriptions')
@Requires(FEED_PERMISSION)
export class SubscriptionsController {
  constructor(
    @Inject(SUBSCRIPTIONS) private readonly subscriptions: SubscriptionStore,
    @Inject(WEBHOOK_DELIVERER) private readonly deliverer: WebhookDeliverer,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Register a webhook: Kierto POSTs each matching event to the URL, signed with the secret in this answer',
    description:
      'Body `{ url, eventTypes?, deviceIds?, after? }`; `after` (default: the head now) is the position delivery ' +
      'starts after. The `secret` is shown in this answer only. Deliveries: docs/feed.md.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['url'],
      additionalProperties: false,
      properties: {
        url: { type: 'string', format: 'uri' },
        eventTypes: { type: 'array', items: { type: 'string' } },
        deviceIds: { type: 'array', items: { type: 'string' }, maxItems: 100 },
        after: { type: 'integer', minimum: 0 },
      },
    },
  })
  @ApiResponse({ status: 201, description: 'Registered; `secret` signs every delivery and is not shown again' })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED: INVALID_WEBHOOK_URL, UNKNOWN_EVENT_TYPE, … per field' })
  @ApiResponse({
    status: 409,
    description: `SUBSCRIPTION_LIMIT_REACHED: ${MAX_SUBSCRIPTIONS_PER_ORGANISATION} already`,
  })
  async create(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreatedSubscription> {
    const organisation = requirePrincipal(request).organisation;
    const refusal = feedRefusal(organisation);
    if (refusal !== null) throw forbidden(FEED_PERMISSION, refusal);
    const asked = parseSubscriptionRequest(body, this.config.webhookAllowPrivate);
    if ((await this.subscriptions.list(organisation.id)).length >= MAX_SUBSCRIPTIONS_PER_ORGANISATION) {
      throw new ApiError(
        409,
        'SUBSCRIPTION_LIMIT_REACHED',
        `An organisation holds at most ${MAX_SUBSCRIPTIONS_PER_ORGANISATION} subscriptions; delete one first`,
      );
    }
    const head = await this.store.headPosition();
    if (asked.after !== null && asked.after > head) {
      const message = `after ${asked.after} is beyond the last recorded event (${head}): delivery would skip what comes next`;
      throw new ApiError(400, 'VALIDATION_FAILED', 'The subscription is invalid', [
        { field: 'after', code: 'OUT_OF_RANGE', message },
      ]);
    }
    const subscription: Subscription = {
      id: `sub_${randomBytes(8).toString('hex')}`,
      organisationId: organisation.id,
      url: asked.url,
      eventTypes: asked.eventTypes,
      deviceIds: asked.deviceIds,
      secret: newWebhookSecret(),
      createdAt: new Date().toISOString(),
      state: 'active',
      position: asked.after ?? head,
      consecutiveFailures: 0,
      nextAttemptAt: null,
      lastAttemptAt: null,
      lastSuccessAt: null,
      lastStatus: null,
      lastError: null,
      pausedAt: null,
    };
    await this.subscriptions.create(subscription);
    this.deliverer.wake();
    response.setHeader('Location', `/subscriptions/${subscription.id}`);
    return { ...viewOf(subscription), secret: subscription.secret };
  }

  @Get()
  @ApiOperation({ summary: "The organisation's subscriptions: state, last delivery, consecutive failures, cursor" })
  async list(@Req() request: Request): Promise<{ subscriptions: SubscriptionView[] }> {
    const organisation = requirePrincipal(request).organisation;
    return { subscriptions: (await this.subscriptions.list(organisation.id)).map(viewOf) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One subscription of the organisation' })
  @ApiParam({ name: 'id' })
  @ApiResponse({ status: 404, description: 'SUBSCRIPTION_NOT_FOUND' })
  async get(@Param('id') id: string, @Req() request: Request): Promise<SubscriptionView> {
    const found = await this.subscriptions.get(id);
    if (found === null || found.organisationId !== requirePrincipal(request).organisation.id) throw notFound(id);
    return viewOf(found);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription: only a delivery already in flight may still arrive' })
  @ApiParam({ name: 'id' })
  @ApiResponse({ status: 404, description: 'SUBSCRIPTION_NOT_FOUND' })
  async remove(@Param('id') id: string, @Req() request: Request): Promise<void> {
    if (!(await this.subscriptions.remove(requirePrincipal(request).organisation.id, id))) throw notFound(id);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Resume a paused subscription: delivery goes on after its cursor, failures counted from zero; no body',
  })
  @ApiParam({ name: 'id' })
  @ApiResponse({ status: 404, description: 'SUBSCRIPTION_NOT_FOUND' })
  async resume(@Param('id') id: string, @Req() request: Request): Promise<SubscriptionView> {
    const organisation = requirePrincipal(request).organisation;
    const refusal = feedRefusal(organisation);
    if (refusal !== null) throw forbidden(FEED_PERMISSION, refusal);
    const resumed = await this.subscriptions.resume(organisation.id, id);
    if (resumed === null) throw notFound(id);
    this.deliverer.wake();
    return viewOf(resumed);
  }
}
