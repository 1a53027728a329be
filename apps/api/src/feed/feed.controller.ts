import {
  Controller,
  Get,
  Inject,
  Injectable,
  Logger,
  Query,
  Req,
  Res,
  type OnApplicationShutdown,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { EventStore, StoredEvent } from '#kierto/event-store';
import { Requires } from '../access/decorators.js';
import { forbidden, requirePrincipal } from '../access/principal.js';
import { EVENT_STORE } from '../event-store.provider.js';
import {
  FEED_PERMISSION,
  feedRefusal,
  MAX_WAIT_SECONDS,
  parseFeedQuery,
  parseLastEventId,
  type FeedFilter,
} from './feed-query.js';
import { readFeedPage, waitForFeedPage } from './feed-reader.js';

/** How long an idle Server-Sent Events stream waits before a keep-alive comment (proxies drop silent ones). */
const HEARTBEAT_MS = 15_000;
/** Events written per read while streaming. */
const STREAM_PAGE = 100;

export interface FeedAnswer {
  readonly events: readonly StoredEvent[];
  /** Pass as `after` next time. */
  readonly nextAfter: number;
  /** The store's head when the page was read: nextAfter < head means more is there now. */
  readonly head: number;
}

/**
 * The Server-Sent Events streams open now: shutdown ends them, so that closing the HTTP server does
 * not wait for clients that would never hang up.
 */
@Injectable()
export class FeedStreams implements OnModuleDestroy, OnApplicationShutdown {
  private readonly open = new Set<Response>();
  private stopping = false;

  get isStopping(): boolean {
    return this.stopping;
  }

  add(response: Response): void {
    this.open.add(response);
    response.on('close', () => this.open.delete(response));
  }

  onModuleDestroy(): void {
    this.endAll();
  }

  onApplicationShutdown(): void {
    this.endAll();
  }

  private endAll(): void {
    this.stopping = true;
    for (const response of this.open) response.end();
    this.open.clear();
  }
}

@ApiTags('feed')
@Controller('feed')
export class FeedController {
  private readonly logger = new Logger('Feed');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly streams: FeedStreams,
  ) {}

  @Get()
  @Requires(FEED_PERMISSION)
  @ApiOperation({
    summary: 'The events after a global position, for integrators: a page, a long-poll (wait=) or Server-Sent Events',
    description:
      'The full envelopes of GET /devices/{id}/events, in global order. Pass `nextAfter` as `after` to read on. ' +
      '`wait=SECONDS` (up to 30) holds the request until a matching event is appended. With ' +
      '`Accept: text/event-stream` the answer is a stream: `id:` is the global position, `event:` the type, ' +
      '`data:` the envelope; a reconnecting client sends `Last-Event-ID` and resumes after it (docs/feed.md).',
  })
  @ApiQuery({ name: 'after', required: false, description: 'Global position to read after (default 0)' })
  @ApiQuery({ name: 'limit', required: false, description: 'Events per page, 1 to 1000 (default 100)' })
  @ApiQuery({ name: 'wait', required: false, description: `Long-poll seconds, 0 to ${MAX_WAIT_SECONDS} (default 0)` })
  @ApiQuery({ name: 'types', required: false, description: 'Comma-separated event types (default: all)' })
  @ApiQuery({ name: 'deviceId', required: false, description: 'Only these devices (repeat the parameter, up to 100)' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Server-Sent Events: resume after this position' })
  @ApiResponse({ status: 200, description: '`{ events, nextAfter, head }`, or a text/event-stream' })
  @ApiResponse({ status: 400, description: 'VALIDATION_FAILED (a parameter, named in fields)' })
  async feed(@Query() raw: Record<string, unknown>, @Req() request: Request, @Res() response: Response): Promise<void> {
    const refusal = feedRefusal(requirePrincipal(request).organisation);
    if (refusal !== null) throw forbidden(FEED_PERMISSION, refusal);
    const query = parseFeedQuery(raw);
    if (wantsEventStream(request)) {
      const after = parseLastEventId(request.header('last-event-id')) ?? query.after;
      await this.stream(after, query.filter, response);
      return;
    }
    let gone = false;
    // The response's close: the answer was sent or the connection dropped (the request's fires earlier).
    response.on('close', () => {
      gone = true;
    });
    const page = await waitForFeedPage(
      this.store,
      query.after,
      query.limit,
      query.filter,
      query.waitSeconds * 1000,
      () => gone || this.streams.isStopping,
    );
    const answer: FeedAnswer = { ...page, head: await this.store.headPosition() };
    response.json(answer);
  }

  /** Writes every matching event from `after` on, then waits for more, until the client or the server goes. */
  private async stream(after: number, filter: FeedFilter, response: Response): Promise<void> {
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-store');
    // nginx buffers answers by default; a stream must reach the client event by event.
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    this.streams.add(response);
    let open = true;
    response.on('close', () => {
      open = false;
    });
    const live = (): boolean => open && !response.writableEnded && !this.streams.isStopping;
    let cursor = after;
    try {
      await write(response, 'retry: 2000\n\n');
      while (live()) {
        const page = await readFeedPage(this.store, cursor, STREAM_PAGE, filter);
        for (const event of page.events) {
          if (!live()) return;
          await write(response, sseMessage(event));
        }
        cursor = page.nextAfter;
        if (page.events.length > 0) continue;
        if (!(await this.store.waitForEvents(cursor, HEARTBEAT_MS)) && live()) {
          await write(response, ': keep-alive\n\n');
        }
      }
    } catch (error) {
      // The headers are sent: an error can only end the stream; the client reconnects with Last-Event-ID.
      this.logger.warn(`A feed stream ended on an error: ${String(error)}`);
    } finally {
      if (!response.writableEnded) response.end();
    }
  }
}

/** One event as a Server-Sent Events message: the position as id, so a reconnect resumes after it. */
export function sseMessage(event: StoredEvent): string {
  // JSON.stringify escapes line breaks inside strings, so the data is one line.
  return `id: ${event.globalPosition}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

function wantsEventStream(request: Request): boolean {
  return (request.header('accept') ?? '').toLowerCase().includes('text/event-stream');
}

/** Writes and waits for the socket to drain when it is full, so a slow client is not buffered without bound. */
function write(response: Response, chunk: string): Promise<void> {
  if (response.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
