import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { Observable } from 'rxjs';
import { correlationIdOf } from './request-context.js';

/** What every log line written while handling a request carries (docs/operations.md, "Logs"). */
interface LogContext {
  readonly correlationId: string;
}

const context = new AsyncLocalStorage<LogContext>();

/** The correlation id of the request being handled here, if any (JsonLogger adds it to each line). */
export function currentCorrelationId(): string | undefined {
  return context.getStore()?.correlationId;
}

/** Runs `work` with `correlationId` on every log line it writes, however deep (command handlers, queries). */
export function withCorrelationId<T>(correlationId: string, work: () => T): T {
  return context.run({ correlationId }, work);
}

/**
 * Runs each route handler inside its request's log context. An interceptor rather than middleware:
 * body parsing between the two would lose the async context; the handler (and the command or query
 * bus it calls) runs when the observable is subscribed, so the subscription happens inside it.
 */
@Injectable()
export class LogContextInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const correlationId = correlationIdOf(execution.switchToHttp().getRequest<Request>());
    if (correlationId === undefined) return next.handle();
    return new Observable((subscriber) => withCorrelationId(correlationId, () => next.handle().subscribe(subscriber)));
  }
}
