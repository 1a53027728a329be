/**
 * OpenTelemetry traces (docs/operations.md, "Traces"). The API always instruments through
 * `@opentelemetry/api`; only when OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set does this process
 * register an SDK provider that records and exports. Without one the API's tracer is its built-in
 * no-op: spans cost an object allocation and are never recorded.
 */
import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import {
  Global,
  Inject,
  Injectable,
  Module,
  type CallHandler,
  type DynamicModule,
  type ExecutionContext,
  type NestInterceptor,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
// A dependency of sdk-trace-node at the same pinned version: the only way to name the service.
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { NextFunction, Request, Response } from 'express';
import { Observable } from 'rxjs';
import type { TracingConfig } from '../config.js';
import { routeTemplateOf } from '../metrics/metrics.module.js';
import { correlationIdOf } from '../http/request-context.js';

/** The instrumentation scope of the API's spans. */
const SCOPE = 'kierto-api';

/**
 * Looked up at each use, not once at load: a module-level tracer stays bound to the provider that
 * was global when it first resolved, and tests register and drop providers within one process.
 */
export const tracer = () => trace.getTracer(SCOPE);

/** This process's SDK provider, when tracing is on. */
export interface Tracing {
  /** Exports the spans still buffered, then stops recording (graceful shutdown). */
  shutdown(): Promise<void>;
}

/**
 * Registers a NodeTracerProvider (AsyncLocalStorage context, W3C trace context propagation) with a
 * BatchSpanProcessor and the OTLP/HTTP exporter, when configured; null (and nothing registered) when not.
 */
export function startTracing(config: TracingConfig | null): Tracing | null {
  if (config === null) return null;
  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': config.serviceName })),
    // Batched: a request never waits for the collector; headers and timeouts come from the
    // standard OTEL_EXPORTER_OTLP_* variables, which the exporter reads itself.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: config.tracesUrl }))],
  });
  provider.register();
  return {
    async shutdown() {
      await provider.shutdown();
      // The globals go with the provider, so that another app in the same process can register its own.
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * Runs `work` in a span that is active for everything it awaits (child spans, log lines), ends it
 * however `work` ends, and marks it failed with the error when `work` throws.
 */
export function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function failed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

const serverSpans = new WeakMap<Request, Span>();

/** The trace id of the request's server span, when it is recorded (the request's log line carries it). */
export function traceIdOf(request: Request): string | undefined {
  const spanContext = serverSpans.get(request)?.spanContext();
  return spanContext !== undefined && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/**
 * One server span per request, continuing the caller's trace when it sends `traceparent`. Named by
 * the route template once the route is known (`POST /devices/:deviceId/repairs`, as the metrics
 * label it), so that names stay a bounded set; after requestContext, which gives the correlation id.
 */
export function requestSpans(request: Request, response: Response, next: NextFunction): void {
  const parent = propagation.extract(ROOT_CONTEXT, request.headers);
  const span = tracer().startSpan(
    request.method,
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': request.method,
        'kierto.correlation_id': correlationIdOf(request),
      },
    },
    parent,
  );
  serverSpans.set(request, span);
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    const route = routeTemplateOf(request);
    if (route !== 'unmatched') {
      span.updateName(`${request.method} ${route}`);
      span.setAttribute('http.route', route);
    }
    span.setAttribute('http.response.status_code', response.statusCode);
    // Server spans fail on 5xx only: a 4xx is the client's mistake, answered as designed.
    if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };
  // 'close' too: a client that hangs up never gets a 'finish'.
  response.on('finish', end);
  response.on('close', end);
  next();
}

/**
 * Makes the request's server span the active one while its route handler runs, so command and
 * query spans are its children. An interceptor, as for the log context (log-context.ts): body
 * parsing between middleware and handler would lose the async context.
 */
@Injectable()
export class TraceContextInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    const span = serverSpans.get(execution.switchToHttp().getRequest<Request>());
    if (span === undefined) return next.handle();
    const active = trace.setSpan(context.active(), span);
    return new Observable((subscriber) => context.with(active, () => next.handle().subscribe(subscriber)));
  }
}

const TRACING = Symbol('TRACING');

/** Shuts the provider down with the app, after the projector's last page: buffered spans are exported. */
class TracingLifecycle implements OnApplicationShutdown {
  constructor(@Inject(TRACING) private readonly tracing: Tracing | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.tracing?.shutdown();
  }
}

@Global()
@Module({})
export class TracingModule {
  static of(tracing: Tracing | null): DynamicModule {
    return { module: TracingModule, providers: [{ provide: TRACING, useValue: tracing }, TracingLifecycle] };
  }
}
