import { isEventStoreDbUrl } from '#kierto/event-store/eventstoredb';

import { lifespanTable, type LifespanTable } from '#kierto/domain';
import { DEFAULT_REPORTING_TIME_ZONE, isValidTimeZone } from '#kierto/projections';

/** Configuration from the environment; every setting has a default that works on one machine. */
export interface ApiConfig {
  readonly port: number;
  readonly host: string;
  /** Folder of the embedded SQLite store (and, later, other local files). */
  readonly dataDir: string;
  /** postgres://… selects PostgreSQL; unset means the embedded SQLite store under dataDir. */
  readonly databaseUrl: string | null;
  /** PostgreSQL schema holding Kierto's tables. */
  readonly databaseSchema: string;
  /** kurrentdb://… selects EventStoreDB as the event store; read models stay in SQLite/PostgreSQL. */
  readonly eventStoreUrl: string | null;
  /** Largest accepted request body, in bytes. */
  readonly bodyLimitBytes: number;
  readonly logLevel: LogLevel;
  /** IANA time zone whose calendar years the statistics count in (a change rebuilds the statistics). */
  readonly reportingTimeZone: string;
  /**
   * Weibull lifespans per WEEE category for the WEEE-generated estimate: Kierto's labelled defaults,
   * overridden per category by KIERTO_WEEE_LIFESPANS (JSON; docs/statistics.md "WEEE generated").
   */
  readonly weeeLifespans: LifespanTable;
  /** Whether this process runs the projector; off when `kierto project --follow` runs elsewhere. */
  readonly runProjector: boolean;
  /**
   * On PostgreSQL, how often a process that may project tries to take the projector leadership over
   * (and the leader confirms it still holds it), ms: the takeover after a leader dies is within this
   * (docs/operations.md).
   */
  readonly leaderPollMs: number;
  /**
   * Seconds of silence after which PostgreSQL drops the leader's connection, and with it the lock
   * (tcp_keepalives_idle; about twice this in all): the takeover bound after a network partition.
   */
  readonly leaderKeepAliveSeconds: number;
  /** Largest projector lag (events) at which GET /health/ready still answers 200, where this process projects. */
  readonly readyMaxLag: number;
  /** Whether GET /metrics answers (KIERTO_METRICS=on|off); it needs the projections:read permission. */
  readonly metrics: boolean;
  /** Longest a query waits for `?minPosition=` before answering PROJECTION_NOT_CAUGHT_UP, ms. */
  readonly projectionWaitMs: number;
  /** Requests per minute per API key (access control, docs/access.md). */
  readonly rateLimitPerMinute: number;
  /** Requests per minute per client address on public routes. */
  readonly anonymousRateLimitPerMinute: number;
  /** Failed authentications per minute from one client address before it is refused (429). */
  readonly failedAuthPerAddressPerMinute: number;
  /** Failed authentications per minute for one key id before it is refused to addresses that failed. */
  readonly failedAuthPerKeyPerMinute: number;
  /** Longest a person's session lasts after signing in, whatever they do, minutes (ADR 0025). */
  readonly sessionMaxAgeMinutes: number;
  /** A session not used for this long ends, minutes. */
  readonly sessionIdleMinutes: number;
  /**
   * Which proxies in front of the API to believe about the client's address (X-Forwarded-For), as
   * Express's `trust proxy`: false (none: direct connections), a number of hops, or a list of
   * addresses, subnets or `loopback` / `linklocal` / `uniquelocal`. The per-address rate limits count
   * that address, so behind a proxy that is not trusted every client would share the proxy's.
   */
  readonly trustProxy: false | number | string;
  /**
   * The public origin (and optional path prefix) people and other systems reach this deployment at,
   * e.g. https://dpp.example.org: it makes Digital Links, credential issuers (did:web) and QR codes
   * absolute. Null when unset: links stay relative to the request.
   */
  readonly publicUrl: string | null;
  /**
   * PEM file of the deployment's Ed25519 private key (`kierto keygen`), which signs credentials and
   * certificates. Null when unset: the API keeps one under dataDir, made on first use.
   */
  readonly signingKeyFile: string | null;
  /**
   * Whether webhook URLs may point at loopback, private or link-local addresses
   * (KIERTO_WEBHOOK_ALLOW_PRIVATE, default false: SSRF, docs/feed.md).
   */
  readonly webhookAllowPrivate: boolean;
  /** Consecutive failed deliveries after which a subscription pauses. */
  readonly webhookMaxFailures: number;
  /** First retry delay after a failed delivery, ms; doubled per failure (capped at an hour), with jitter. */
  readonly webhookRetryBaseMs: number;
  /** Longest a webhook receiver may take to answer, ms. */
  readonly webhookTimeoutMs: number;
  /**
   * Where to export OpenTelemetry traces (OTLP over HTTP), and as which service; null (the default)
   * records none (docs/operations.md, "Traces").
   */
  readonly tracing: TracingConfig | null;
}

export interface TracingConfig {
  /** The full URL spans are POSTed to, e.g. http://collector:4318/v1/traces. */
  readonly tracesUrl: string;
  /** `service.name` of the spans (OTEL_SERVICE_NAME, default kierto). */
  readonly serviceName: string;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const logLevel = env['LOG_LEVEL'] ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not ${logLevel}`);
  }
  const databaseUrl = env['DATABASE_URL'] ?? '';
  if (databaseUrl !== '' && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL (leave it unset for SQLite)');
  }
  const databaseSchema = env['DATABASE_SCHEMA'] ?? 'kierto';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) {
    throw new ConfigError('DATABASE_SCHEMA must be a lower-case SQL identifier (letters, digits, _)');
  }
  const eventStoreUrl = env['EVENTSTORE_URL'] ?? '';
  if (eventStoreUrl !== '' && !isEventStoreDbUrl(eventStoreUrl)) {
    throw new ConfigError('EVENTSTORE_URL must be a kurrentdb://, kurrent://, kdb:// or esdb:// connection string');
  }
  const reportingTimeZone = env['KIERTO_REPORTING_TIME_ZONE'] ?? DEFAULT_REPORTING_TIME_ZONE;
  if (!isValidTimeZone(reportingTimeZone)) {
    throw new ConfigError(
      `KIERTO_REPORTING_TIME_ZONE must be an IANA time zone such as Europe/Helsinki, not ${reportingTimeZone}`,
    );
  }
  const weeeLifespans = lifespans(env['KIERTO_WEEE_LIFESPANS']);
  const projector = env['KIERTO_PROJECTOR'] ?? 'on';
  if (projector !== 'on' && projector !== 'off') {
    throw new ConfigError(`KIERTO_PROJECTOR must be on or off, not ${projector}`);
  }
  const allowPrivate = env['KIERTO_WEBHOOK_ALLOW_PRIVATE'] ?? 'false';
  if (allowPrivate !== 'true' && allowPrivate !== 'false') {
    throw new ConfigError(`KIERTO_WEBHOOK_ALLOW_PRIVATE must be true or false, not ${allowPrivate}`);
  }
  const metrics = env['KIERTO_METRICS'] ?? 'on';
  if (metrics !== 'on' && metrics !== 'off') {
    throw new ConfigError(`KIERTO_METRICS must be on or off, not ${metrics}`);
  }
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env['HOST'] ?? '127.0.0.1',
    dataDir: env['KIERTO_DATA_DIR'] ?? './data',
    databaseUrl: databaseUrl === '' ? null : databaseUrl,
    databaseSchema,
    eventStoreUrl: eventStoreUrl === '' ? null : eventStoreUrl,
    bodyLimitBytes: integer(env, 'KIERTO_BODY_LIMIT_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
    logLevel: logLevel as LogLevel,
    rateLimitPerMinute: integer(env, 'KIERTO_RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
    anonymousRateLimitPerMinute: integer(env, 'KIERTO_ANONYMOUS_RATE_LIMIT_PER_MINUTE', 120, 1, 1_000_000),
    failedAuthPerAddressPerMinute: integer(env, 'KIERTO_FAILED_AUTH_LIMIT_PER_MINUTE', 30, 1, 1_000_000),
    failedAuthPerKeyPerMinute: integer(env, 'KIERTO_FAILED_AUTH_PER_KEY_LIMIT_PER_MINUTE', 10, 1, 1_000_000),
    sessionMaxAgeMinutes: integer(env, 'KIERTO_SESSION_MAX_AGE_MINUTES', 720, 1, 43_200),
    sessionIdleMinutes: integer(env, 'KIERTO_SESSION_IDLE_MINUTES', 60, 1, 43_200),
    reportingTimeZone,
    weeeLifespans,
    runProjector: projector === 'on',
    projectionWaitMs: integer(env, 'KIERTO_PROJECTION_WAIT_MS', 5_000, 0, 60_000),
    leaderPollMs: integer(env, 'KIERTO_LEADER_POLL_MS', 2_000, 100, 60_000),
    leaderKeepAliveSeconds: integer(env, 'KIERTO_LEADER_KEEPALIVE_SECONDS', 10, 1, 300),
    readyMaxLag: integer(env, 'KIERTO_READY_MAX_LAG', 10_000, 0, 1_000_000_000),
    metrics: metrics === 'on',
    trustProxy: trustProxy(env['KIERTO_TRUST_PROXY']),
    publicUrl: publicUrl(env['KIERTO_PUBLIC_URL']),
    signingKeyFile: nonEmpty(env['KIERTO_SIGNING_KEY_FILE']),
    webhookAllowPrivate: allowPrivate === 'true',
    webhookMaxFailures: integer(env, 'KIERTO_WEBHOOK_MAX_FAILURES', 10, 1, 1_000),
    webhookRetryBaseMs: integer(env, 'KIERTO_WEBHOOK_RETRY_BASE_MS', 2_000, 10, 3_600_000),
    webhookTimeoutMs: integer(env, 'KIERTO_WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
    tracing: tracing(env),
  };
}

/**
 * The standard OpenTelemetry variables turn traces on: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (used as
 * is) or else OTEL_EXPORTER_OTLP_ENDPOINT (the collector's base URL, + /v1/traces, as the
 * specification says). Neither set, or OTEL_SDK_DISABLED=true: off. A URL that is not http(s) is
 * refused at start rather than dropping every span later.
 */
function tracing(env: NodeJS.ProcessEnv): TracingConfig | null {
  const disabled = (env['OTEL_SDK_DISABLED'] ?? '').trim().toLowerCase();
  if (disabled !== '' && disabled !== 'true' && disabled !== 'false') {
    throw new ConfigError(`OTEL_SDK_DISABLED must be true or false, not ${env['OTEL_SDK_DISABLED']}`);
  }
  const traces = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim() ?? '';
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim() ?? '';
  if (disabled === 'true' || (traces === '' && base === '')) return null;
  let tracesUrl: string;
  if (traces !== '') tracesUrl = otlpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', traces).href;
  else {
    const url = otlpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/v1/traces`;
    tracesUrl = url.href;
  }
  const serviceName = env['OTEL_SERVICE_NAME']?.trim() || 'kierto';
  if (serviceName.length > 255 || [...serviceName].some((char) => char < ' ' || char === '\u007f')) {
    throw new ConfigError('OTEL_SERVICE_NAME must be at most 255 characters without control characters');
  }
  return { tracesUrl, serviceName };
}

function otlpUrl(name: string, raw: string): URL {
  // The value is not echoed: collector URLs may carry a token.
  const refused = new ConfigError(
    `${name} must be an absolute http(s) URL without fragment (OTLP over HTTP), such as http://collector:4318`,
  );
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hash !== '') throw refused;
  return url;
}

/** An http(s) URL without query, fragment or trailing slash, so that paths can be appended to it. */
function publicUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      `KIERTO_PUBLIC_URL must be an absolute http(s) URL such as https://dpp.example.org, not ${raw}`,
    );
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw new ConfigError(`KIERTO_PUBLIC_URL must be an http(s) URL without query or fragment, not ${raw}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function nonEmpty(raw: string | undefined): string | null {
  return raw === undefined || raw === '' ? null : raw;
}

const PROXY_TOKEN = /^(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)$/;

/**
 * Unset or empty: trust no proxy. A number: that many hops. Otherwise a comma-separated list of
 * addresses, subnets or Express's names. `true` (believe any X-Forwarded-For) is refused: any client
 * could then pick the address the rate limits count.
 */
function trustProxy(raw: string | undefined): false | number | string {
  const value = raw?.trim() ?? '';
  if (value === '' || value === 'false') return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new ConfigError(`KIERTO_TRUST_PROXY must be at most 10 hops, not ${value}`);
    return hops === 0 ? false : hops;
  }
  const tokens = value.split(',').map((token) => token.trim());
  if (tokens.some((token) => !PROXY_TOKEN.test(token))) {
    throw new ConfigError(
      `KIERTO_TRUST_PROXY must be a number of hops or addresses, subnets, loopback, linklocal or uniquelocal, not ${value}`,
    );
  }
  return tokens.join(',');
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, not ${raw}`);
  }
  return value;
}

/** Unset or empty: the defaults; otherwise JSON overrides, refused at start when malformed. */
function lifespans(raw: string | undefined): LifespanTable {
  if (raw === undefined || raw.trim() === '') return lifespanTable(undefined);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(
      'KIERTO_WEEE_LIFESPANS must be JSON such as {"1": {"shape": 2.2, "scale": 14, "source": "…"}}',
    );
  }
  try {
    return lifespanTable(parsed);
  } catch (error) {
    throw new ConfigError(`KIERTO_WEEE_LIFESPANS: ${error instanceof Error ? error.message : String(error)}`);
  }
}
