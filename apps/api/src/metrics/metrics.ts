/**
 * The API's Prometheus metrics (docs/operations.md). One Registry per application instance, not
 * prom-client's global one: tests run several apps in one process, and each must count its own.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventStore, NewEvent } from '#kierto/event-store';

/** What the projector gauges read at scrape time. */
export interface ProjectorGauges {
  /** Lag (head − checkpoint) per read model; throws when the stores cannot be reached. */
  lag(): Promise<ReadonlyMap<string, number>>;
  /** 1 when this process projects now (the elected leader, or alone on the embedded store), else 0. */
  leading(): number;
}

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';

export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status_class'>;
  private readonly duration: Histogram<'method' | 'route' | 'status_class'>;
  private readonly appended: Counter<'type'>;
  private readonly importLines: Counter<'outcome'>;
  private readonly webhookAttempts: Counter<'outcome'>;
  /** Set by the projections module once it exists (the store wrapper needs the metrics before Nest starts). */
  private projector: ProjectorGauges | null = null;

  constructor() {
    const projector = (): ProjectorGauges | null => this.projector;
    collectDefaultMetrics({ register: this.registry, prefix: 'kierto_' });
    const registers = [this.registry];
    // Route templates (/devices/:deviceId), never raw paths: the label values stay a bounded set.
    this.requests = new Counter({
      name: 'kierto_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status class',
      labelNames: ['method', 'route', 'status_class'],
      registers,
    });
    this.duration = new Histogram({
      name: 'kierto_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route template and status class',
      labelNames: ['method', 'route', 'status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.appended = new Counter({
      name: 'kierto_events_appended_total',
      help: 'Events appended to the event store by this process, by event type',
      labelNames: ['type'],
      registers,
    });
    this.importLines = new Counter({
      name: 'kierto_import_lines_total',
      help: 'Bulk import lines handled by this process, by outcome (imported, duplicate, refused)',
      labelNames: ['outcome'],
      registers,
    });
    this.webhookAttempts = new Counter({
      name: 'kierto_webhook_deliveries_total',
      help: 'Webhook delivery attempts made by this process, by outcome (delivered, failed)',
      labelNames: ['outcome'],
      registers,
    });
    new Gauge({
      name: 'kierto_projector_lag_events',
      help: 'Events in the log a read model has not applied yet (head − checkpoint)',
      labelNames: ['projection'],
      registers,
      async collect() {
        this.reset();
        // A store out of reach leaves the gauge empty for this scrape; /health/ready says why.
        const lags =
          (await projector()
            ?.lag()
            .catch(() => null)) ?? new Map<string, number>();
        for (const [projection, lag] of lags) this.set({ projection }, lag);
      },
    });
    new Gauge({
      name: 'kierto_projector_leader',
      help: '1 when this process runs the projector now (the elected leader, or alone on the embedded store), else 0',
      registers,
      collect() {
        this.set(projector()?.leading() ?? 0);
      },
    });
  }

  attachProjector(gauges: ProjectorGauges): void {
    this.projector = gauges;
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status_class: statusClassOf(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  countAppended(events: readonly Pick<NewEvent, 'type'>[]): void {
    for (const event of events) this.appended.inc({ type: event.type });
  }

  countImport(summary: { readonly imported: number; readonly duplicates: number; readonly refused: number }): void {
    this.importLines.inc({ outcome: 'imported' }, summary.imported);
    this.importLines.inc({ outcome: 'duplicate' }, summary.duplicates);
    this.importLines.inc({ outcome: 'refused' }, summary.refused);
  }

  countWebhookAttempt(outcome: 'delivered' | 'failed'): void {
    this.webhookAttempts.inc({ outcome });
  }
}

export function statusClassOf(status: number): StatusClass {
  if (status >= 500) return '5xx';
  if (status >= 400) return '4xx';
  if (status >= 300) return '3xx';
  if (status >= 200) return '2xx';
  return '1xx';
}

/**
 * The event store, counting what this process appends (by type) once the append succeeded. Every
 * other call goes straight through.
 */
export function countingEventStore(
  store: EventStore,
  count: (events: readonly Pick<NewEvent, 'type'>[]) => void,
): EventStore {
  const counting: EventStore = {
    kind: store.kind,
    init: () => store.init(),
    append: async (streamId, events, expectedRevision) => {
      const result = await store.append(streamId, events, expectedRevision);
      count(events);
      return result;
    },
    appendMany: async (requests) => {
      const results = await store.appendMany(requests);
      for (const request of requests) count(request.events);
      return results;
    },
    readStream: (streamId, fromRevision) => store.readStream(streamId, fromRevision),
    readAll: (after, limit) => store.readAll(after, limit),
    headPosition: () => store.headPosition(),
    findEvent: (eventId) => store.findEvent(eventId),
    waitForEvents: (after, timeoutMs) => store.waitForEvents(after, timeoutMs),
    close: () => store.close(),
  };
  const readStreams = store.readStreams?.bind(store);
  return readStreams === undefined ? counting : { ...counting, readStreams };
}
