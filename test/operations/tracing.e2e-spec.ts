import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-node';
import { JsonLogger } from '../../apps/api/src/http/json-logger.js';
import { startTracing } from '../../apps/api/src/tracing/tracing.js';
import { example, startTestApp, type TestApp } from '../support/test-app.js';

/** A JsonLogger whose lines the test reads. */
function capturingLogger(): { logger: JsonLogger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = new JsonLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  return { logger, lines };
}

async function eventually<T>(find: () => T | undefined, what: string): Promise<T> {
  for (let waited = 0; waited < 5_000; waited += 20) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// Jest gives each test file its own globals, so the OpenTelemetry API starts here with no provider.
describe('traces off (no endpoint configured, no provider)', () => {
  it('records nothing, writes no trace ids, and the API works', async () => {
    expect(startTracing(null)).toBeNull();
    const { logger, lines } = capturingLogger();
    const app = await startTestApp({ logLevel: 'debug' }, logger);
    try {
      await app.api.post('/devices').send(example('place-laptop-on-market')).expect(201);
      // The API's tracer is the OTel API's no-op: its spans are not recorded, so nothing can be exported.
      expect(trace.getTracer('kierto-api').startSpan('probe').isRecording()).toBe(false);
      const requestLine = await eventually(
        () => lines.find((line) => line['msg'] === 'request' && line['path'] === '/devices'),
        'the request line',
      );
      expect(requestLine['correlationId']).toEqual(expect.any(String));
      expect(lines.some((line) => line['traceId'] !== undefined || line['spanId'] !== undefined)).toBe(false);
    } finally {
      await app.close();
    }
  });
});

describe('traces with a provider registered (in memory)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const captured = capturingLogger();
  let app: TestApp;

  beforeAll(async () => {
    // register(): the global provider, an AsyncLocalStorage context manager and W3C propagation.
    provider.register();
    app = await startTestApp({ logLevel: 'debug' }, captured.logger);
  });

  afterAll(async () => {
    await app.close();
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  const finished = (): ReadableSpan[] => exporter.getFinishedSpans();

  it('gives POST /devices a server span by route and status, with a child span for the command', async () => {
    await app.api
      .post('/devices')
      .set('X-Correlation-Id', 'trace-test-1')
      .send(example('place-laptop-on-market'))
      .expect(201);
    const server = await eventually(
      () => finished().find((span) => span.attributes['kierto.correlation_id'] === 'trace-test-1'),
      'the server span',
    );
    expect(server.name).toBe('POST /devices');
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/devices',
      'http.response.status_code': 201,
    });
    const command = finished().find(
      (span) => span.parentSpanContext?.spanId === server.spanContext().spanId && span.name.startsWith('command '),
    );
    expect(command).toBeDefined();
    expect(command?.spanContext().traceId).toBe(server.spanContext().traceId);
    expect(command?.name).toBe('command PlaceDeviceOnMarket');
    expect(command?.attributes).toMatchObject({
      'kierto.command.kind': 'PlaceDeviceOnMarket',
      'kierto.command.events_appended': 1,
      'kierto.command.retries': 0,
      'kierto.command.replayed': false,
    });
    expect(command?.attributes['kierto.device_id']).toEqual(expect.any(String));

    // The log lines carry the trace: the request's line the server span's, the handler's its own span's.
    const requestLine = await eventually(
      () => captured.lines.find((line) => line['msg'] === 'request' && line['correlationId'] === 'trace-test-1'),
      'the request line',
    );
    expect(requestLine['traceId']).toBe(server.spanContext().traceId);
    const handlerLine = captured.lines.find(
      (line) => line['context'] === 'RecordDeviceEvent' && line['correlationId'] === 'trace-test-1',
    );
    expect(handlerLine).toMatchObject({
      traceId: server.spanContext().traceId,
      spanId: command?.spanContext().spanId,
    });
  });

  it('continues the caller’s trace from traceparent and names an unmatched route by method only', async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    await app.api
      .get('/devices/urn:none')
      .set('traceparent', `00-${callerTrace}-00f067aa0ba902b7-01`)
      .set('X-Correlation-Id', 'trace-test-2');
    const server = await eventually(
      () => finished().find((span) => span.attributes['kierto.correlation_id'] === 'trace-test-2'),
      'the server span',
    );
    expect(server.spanContext().traceId).toBe(callerTrace);
    expect(server.attributes['http.route']).toBe('/devices/:deviceId');
    await request404(app, 'trace-test-3');
    const unmatched = await eventually(
      () => finished().find((span) => span.attributes['kierto.correlation_id'] === 'trace-test-3'),
      'the unmatched span',
    );
    expect(unmatched.name).toBe('GET');
    expect(unmatched.attributes['http.route']).toBeUndefined();
    expect(unmatched.attributes['http.response.status_code']).toBe(404);
  });

  it('gives each projector page a span with its read models, positions and events', async () => {
    // A page with events: the page that finishes the read models' first build (docs/adr/0032) may
    // come first and hold none.
    const page = await eventually(
      () =>
        finished().find(
          (span) => span.name === 'projector page' && Number(span.attributes['kierto.projector.events']) > 0,
        ),
      'a projector page span with events',
    );
    expect(page.attributes).toMatchObject({
      'kierto.projector.first_position': 1,
      'kierto.projector.events': expect.any(Number),
      'kierto.projector.read_models': expect.any(Number),
    });
    expect(page.attributes['kierto.projector.last_position']).toBeGreaterThanOrEqual(1);
    expect(page.attributes['kierto.projector.read_models']).toBeGreaterThan(0);
    // A root span: the projector runs outside any request.
    expect(page.parentSpanContext).toBeUndefined();
  });
});

function request404(app: TestApp, correlationId: string): Promise<unknown> {
  return app.api.get('/no-such-route').set('X-Correlation-Id', correlationId).expect(404);
}

describe('traces on by configuration (OTLP over HTTP to a collector)', () => {
  let collector: Server;
  const received: { path: string; body: OtlpBody }[] = [];

  beforeAll(async () => {
    collector = createServer((incoming: IncomingMessage, answer) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        received.push({ path: incoming.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString()) as OtlpBody });
        answer.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => collector.close(resolve));
  });

  it('exports the spans, as the configured service, when the app shuts down', async () => {
    const { port } = collector.address() as AddressInfo;
    const app = await startTestApp({
      tracing: { tracesUrl: `http://127.0.0.1:${port}/v1/traces`, serviceName: 'kierto-test' },
    });
    await app.api
      .post('/devices')
      .set('X-Correlation-Id', 'otlp-1')
      .send(example('place-laptop-on-market'))
      .expect(201);
    // The batch processor holds the spans; a graceful shutdown flushes them.
    await app.close();
    const spans = received.flatMap(({ path, body }) =>
      body.resourceSpans.flatMap((resource) =>
        resource.scopeSpans.flatMap((scope) =>
          scope.spans.map((span) => ({
            path,
            name: span.name,
            service: resource.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value
              .stringValue,
          })),
        ),
      ),
    );
    expect(spans).toContainEqual({ path: '/v1/traces', name: 'POST /devices', service: 'kierto-test' });
    expect(spans).toContainEqual({ path: '/v1/traces', name: 'command PlaceDeviceOnMarket', service: 'kierto-test' });
    // The provider went with the app: the API's tracer is a no-op again.
    expect(trace.getTracer('kierto-api').startSpan('probe').isRecording()).toBe(false);
  });
});

/** The part of an OTLP/JSON ExportTraceServiceRequest this test reads. */
interface OtlpBody {
  readonly resourceSpans: readonly {
    readonly resource: { readonly attributes: readonly { key: string; value: { stringValue?: string } }[] };
    readonly scopeSpans: readonly { readonly spans: readonly { readonly name: string }[] }[];
  }[];
}
