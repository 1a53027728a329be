import { describe, expect, it } from '@jest/globals';
import { DEFAULT_LIFESPANS } from '#kierto/domain';
import { ConfigError, loadConfig } from './config.js';

describe('KIERTO_WEEE_LIFESPANS', () => {
  it('given nothing, then every category has Kierto’s labelled default lifespan', () => {
    expect(loadConfig({}).weeeLifespans).toEqual(DEFAULT_LIFESPANS);
  });

  it('given JSON overrides, then they replace or remove categories', () => {
    const config = loadConfig({
      KIERTO_WEEE_LIFESPANS: '{"2": {"shape": 1.9, "scale": 8.5, "source": "national study 2024"}, "3": null}',
    });
    expect(config.weeeLifespans[2]).toEqual({ shape: 1.9, scale: 8.5, source: 'national study 2024' });
    expect(config.weeeLifespans[3]).toBeUndefined();
  });

  it.each([
    ['not json', 'must be JSON'],
    ['{"9": {"shape": 2, "scale": 5, "source": "x"}}', '"9" is not a category'],
    ['{"1": {"shape": -1, "scale": 5, "source": "x"}}', 'category 1 shape'],
  ])('given %s, then the service refuses to start naming the problem', (raw, message) => {
    expect(() => loadConfig({ KIERTO_WEEE_LIFESPANS: raw })).toThrow(ConfigError);
    expect(() => loadConfig({ KIERTO_WEEE_LIFESPANS: raw })).toThrow(message);
  });
});

describe('KIERTO_TRUST_PROXY', () => {
  it('given nothing, then no proxy is trusted', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
  });

  it.each([
    ['1', 1],
    ['0', false],
    ['loopback', 'loopback'],
    ['10.0.0.0/8, loopback', '10.0.0.0/8,loopback'],
  ])('given %s, then Express is told %j', (raw, expected) => {
    expect(loadConfig({ KIERTO_TRUST_PROXY: raw }).trustProxy).toEqual(expected);
  });

  it.each([['true'], ['11'], ['any proxy']])('given %s, then the service refuses to start', (raw) => {
    expect(() => loadConfig({ KIERTO_TRUST_PROXY: raw })).toThrow(ConfigError);
  });
});

describe('KIERTO_PUBLIC_URL', () => {
  it('given nothing, then links stay relative', () => {
    expect(loadConfig({}).publicUrl).toBeNull();
  });

  it('given an origin with a path and trailing slashes, then it is kept without the slashes', () => {
    expect(loadConfig({ KIERTO_PUBLIC_URL: 'https://dpp.example.org/kierto//' }).publicUrl).toBe(
      'https://dpp.example.org/kierto',
    );
  });

  it.each(['dpp.example.org', 'ftp://dpp.example.org', 'https://dpp.example.org/?a=1', 'https://x.org/#top'])(
    'given %s, then the configuration is refused',
    (value) => {
      expect(() => loadConfig({ KIERTO_PUBLIC_URL: value })).toThrow(ConfigError);
    },
  );
});

describe('KIERTO_SIGNING_KEY_FILE', () => {
  it('given nothing, then the API keeps its own key under the data folder', () => {
    expect(loadConfig({}).signingKeyFile).toBeNull();
  });

  it('given a path, then that file holds the key', () => {
    expect(loadConfig({ KIERTO_SIGNING_KEY_FILE: '/etc/kierto/key.pem' }).signingKeyFile).toBe('/etc/kierto/key.pem');
  });
});

describe('operations settings (docs/operations.md)', () => {
  it('given nothing, then the defaults: poll 2 s, keepalive 10 s, ready up to 10 000 events behind, metrics on', () => {
    expect(loadConfig({})).toMatchObject({
      leaderPollMs: 2_000,
      leaderKeepAliveSeconds: 10,
      readyMaxLag: 10_000,
      metrics: true,
    });
  });

  it('given values, then they are used', () => {
    expect(
      loadConfig({
        KIERTO_LEADER_POLL_MS: '500',
        KIERTO_LEADER_KEEPALIVE_SECONDS: '30',
        KIERTO_READY_MAX_LAG: '0',
        KIERTO_METRICS: 'off',
      }),
    ).toMatchObject({ leaderPollMs: 500, leaderKeepAliveSeconds: 30, readyMaxLag: 0, metrics: false });
  });

  it.each([
    ['KIERTO_LEADER_POLL_MS', '50', 'KIERTO_LEADER_POLL_MS must be an integer from 100 to 60000, not 50'],
    ['KIERTO_LEADER_KEEPALIVE_SECONDS', '0', 'KIERTO_LEADER_KEEPALIVE_SECONDS must be an integer from 1 to 300, not 0'],
    ['KIERTO_READY_MAX_LAG', '-1', 'KIERTO_READY_MAX_LAG must be an integer from 0 to 1000000000, not -1'],
    ['KIERTO_METRICS', 'public', 'KIERTO_METRICS must be on or off, not public'],
  ])('given %s=%s, then the service refuses to start and names the setting', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new ConfigError(message));
  });
});

describe('webhook settings (docs/feed.md)', () => {
  it('given nothing, then private addresses are refused, 10 failures pause, retries start at 2 s, receivers get 10 s', () => {
    expect(loadConfig({})).toMatchObject({
      webhookAllowPrivate: false,
      webhookMaxFailures: 10,
      webhookRetryBaseMs: 2_000,
      webhookTimeoutMs: 10_000,
      tracing: null,
    });
  });

  it('given values, then they are used', () => {
    expect(
      loadConfig({
        KIERTO_WEBHOOK_ALLOW_PRIVATE: 'true',
        KIERTO_WEBHOOK_MAX_FAILURES: '3',
        KIERTO_WEBHOOK_RETRY_BASE_MS: '50',
        KIERTO_WEBHOOK_TIMEOUT_MS: '500',
      }),
    ).toMatchObject({
      webhookAllowPrivate: true,
      webhookMaxFailures: 3,
      webhookRetryBaseMs: 50,
      webhookTimeoutMs: 500,
    });
  });

  it.each([
    ['KIERTO_WEBHOOK_ALLOW_PRIVATE', 'yes', 'KIERTO_WEBHOOK_ALLOW_PRIVATE must be true or false, not yes'],
    ['KIERTO_WEBHOOK_MAX_FAILURES', '0', 'KIERTO_WEBHOOK_MAX_FAILURES must be an integer from 1 to 1000, not 0'],
    ['KIERTO_WEBHOOK_TIMEOUT_MS', '99', 'KIERTO_WEBHOOK_TIMEOUT_MS must be an integer from 100 to 60000, not 99'],
  ])('given %s=%s, then the service refuses to start and names the setting', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new ConfigError(message));
  });
});

describe('traces (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_SERVICE_NAME)', () => {
  it('given no endpoint, then tracing is off', () => {
    expect(loadConfig({}).tracing).toBeNull();
    expect(loadConfig({ OTEL_SERVICE_NAME: 'kierto-eu' }).tracing).toBeNull();
  });

  it('given the base endpoint, then spans go to its /v1/traces as service kierto', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      serviceName: 'kierto',
    });
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.org/prefix' }).tracing?.tracesUrl).toBe(
      'https://otel.example.org/prefix/v1/traces',
    );
  });

  it('given the traces endpoint, then it is used as is and wins over the base endpoint', () => {
    expect(
      loadConfig({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom/path',
        OTEL_SERVICE_NAME: ' kierto-eu ',
      }).tracing,
    ).toEqual({ tracesUrl: 'http://traces:4318/custom/path', serviceName: 'kierto-eu' });
  });

  it('given OTEL_SDK_DISABLED=true, then tracing is off whatever the endpoint', () => {
    expect(
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing,
    ).toBeNull();
  });

  it.each([
    [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'collector:4318',
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL without fragment (OTLP over HTTP), such as http://collector:4318',
    ],
    [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'not a url',
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http(s) URL without fragment (OTLP over HTTP), such as http://collector:4318',
    ],
    [
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      'grpc://collector:4317',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an absolute http(s) URL without fragment (OTLP over HTTP), such as http://collector:4318',
    ],
    [
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      'http://collector:4318/v1/traces#x',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an absolute http(s) URL without fragment (OTLP over HTTP), such as http://collector:4318',
    ],
    ['OTEL_SDK_DISABLED', 'yes', 'OTEL_SDK_DISABLED must be true or false, not yes'],
  ])('given %s=%s, then the service refuses to start and names the setting', (name, value, message) => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', [name]: value })).toThrow(
      new ConfigError(message),
    );
  });

  it('given a service name with a control character, then the service refuses to start', () => {
    expect(() =>
      loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SERVICE_NAME: 'kierto\nx' }),
    ).toThrow(new ConfigError('OTEL_SERVICE_NAME must be at most 255 characters without control characters'));
  });

  it('given a bad endpoint, then the message does not echo it (it may carry a token)', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'secret-token@nowhere' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret-token') }),
    );
  });
});
