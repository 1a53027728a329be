import type { LoggerService } from '@nestjs/common';
import type { LogLevel } from '../config.js';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { currentCorrelationId } from './log-context.js';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** One JSON object per line on stdout, so logs can be shipped and queried without parsing prose. */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly level: LogLevel,
    private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }

  /**
   * Structured entry: `fields` become top-level keys of the log line. Written while a request is
   * handled (a command handler, a query), the line carries that request's correlation id, and
   * the trace and span ids when a recorded span is active (docs/operations.md, "Traces").
   */
  entry(level: Exclude<LogLevel, 'silent'>, msg: string, fields: Record<string, unknown>): void {
    if (RANK[level] < RANK[this.level]) return;
    const correlationId = currentCorrelationId();
    const context = correlationId === undefined ? {} : { correlationId };
    const traceIds = activeTraceIds() ?? {};
    this.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...context, ...traceIds, ...fields }));
  }

  private emit(level: Exclude<LogLevel, 'silent'>, message: unknown, rest: unknown[]): void {
    // Nest passes the context (a class name) as the last argument, and a stack before it for errors.
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    const msg =
      message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message);
    this.entry(level, msg, { context, stack });
  }
}

/** The trace and span ids of the span active here, when one is recorded (without a tracer provider, never). */
function activeTraceIds(): { traceId: string; spanId: string } | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
