/**
 * Webhook delivery (docs/feed.md, ADR 0022): at least once, in order per subscription, one event per
 * request with its global position as the delivery id, signed, retried with exponential backoff and
 * jitter, paused after `maxFailures` consecutive failures. It runs only where the projector runs
 * (`mayDeliver`: the elected leader on PostgreSQL, the one process on SQLite), so one deliverer works
 * at a time; the cursor moves by compare-and-set after each delivered event, so a restart or a
 * change of leader redelivers at most the event in flight.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { AccessStore } from '#kierto/access';
import type { EventStore, StoredEvent } from '#kierto/event-store';
import { feedRefusal } from './feed-query.js';
import { readFeedPage } from './feed-reader.js';
import { SIGNATURE_HEADER, signatureHeader } from './signature.js';
import type { Subscription, SubscriptionStore } from './subscription-store.js';
import { isPrivateAddress, webhookUrlRefusal } from './webhook-url.js';

/** Events one subscription is sent per round before the others get their turn. */
const BATCH = 50;
/** Longest wait between retries, whatever the number of failures. */
export const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;
/** Longest an idle deliverer sleeps before it looks again (new subscriptions, retries that fell due). */
const IDLE_MS = 500;

export interface DelivererOptions {
  readonly store: EventStore;
  readonly subscriptions: SubscriptionStore;
  readonly access: AccessStore;
  /** Whether this process may deliver now (it projects: leader or sole). */
  readonly mayDeliver: () => boolean;
  readonly allowPrivate: boolean;
  readonly maxFailures: number;
  readonly retryBaseMs: number;
  readonly timeoutMs: number;
  readonly log: (level: 'log' | 'warn', message: string) => void;
  readonly onAttempt?: (outcome: 'delivered' | 'failed') => void;
}

export interface AttemptOutcome {
  readonly ok: boolean;
  readonly status: number | null;
  readonly error: string | null;
}

/**
 * The delay before attempt `failures + 1`: base × 2^(failures − 1), capped at an hour, of which a
 * random half is taken off ("equal jitter"), so that receivers that failed together do not all come
 * back at the same moment.
 */
export function retryDelayMs(failures: number, baseMs: number, random: number = Math.random()): number {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random);
}

/** The request body of one delivery; signed as sent (the receiver verifies these exact bytes). */
export function deliveryBody(subscription: Subscription, event: StoredEvent): string {
  return JSON.stringify({ subscriptionId: subscription.id, deliveryId: event.globalPosition, event });
}

export class WebhookDeliverer {
  private loop: Promise<void> | null = null;
  private stopping = false;
  private wakeUp: (() => void) | null = null;
  private readonly inFlight = new Set<http.ClientRequest>();
  /** The lowest cursor among the subscriptions of the last round: an append after it is work. */
  private lowestDue: number | null = null;

  constructor(private readonly options: DelivererOptions) {}

  start(): void {
    if (this.loop !== null) return;
    this.stopping = false;
    this.loop = this.run().finally(() => {
      this.loop = null;
    });
  }

  /** Looks at the subscriptions now (one was created or resumed). */
  wake(): void {
    this.wakeUp?.();
  }

  /** Stops; a request in flight is aborted and counts as nothing: its event is sent again later. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp?.();
    for (const request of this.inFlight) request.destroy(new Error('shutting down'));
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let busy = false;
      this.lowestDue = null;
      if (this.options.mayDeliver()) {
        try {
          busy = await this.round();
        } catch (error) {
          this.options.log('warn', `A webhook delivery round failed; retrying: ${String(error)}`);
        }
      }
      if (!busy) await this.idle();
    }
  }

  /** One round over the subscriptions due now; true when any moved on (there may be more). */
  private async round(): Promise<boolean> {
    const now = Date.now();
    const due = (await this.options.subscriptions.listActive()).filter(
      (subscription) => subscription.nextAttemptAt === null || Date.parse(subscription.nextAttemptAt) <= now,
    );
    this.lowestDue = due.length === 0 ? null : Math.min(...due.map((subscription) => subscription.position));
    const moved = await Promise.all(due.map((subscription) => this.serve(subscription)));
    return moved.some(Boolean);
  }

  /** Sends the subscription's next events in order, stopping at the first failure. True when its cursor moved. */
  private async serve(subscription: Subscription): Promise<boolean> {
    const { subscriptions, access, store } = this.options;
    const organisation = await access.getOrganisation(subscription.organisationId);
    const refusal = organisation === null ? 'The organisation no longer exists' : feedRefusal(organisation);
    if (refusal !== null) {
      // What it may read is decided at each delivery, not only at registration.
      await subscriptions.pause(subscription.id, new Date().toISOString(), refusal);
      this.options.log('warn', `Webhook subscription ${subscription.id} paused: ${refusal}`);
      return false;
    }
    const filter = { eventTypes: subscription.eventTypes, deviceIds: subscription.deviceIds };
    const page = await readFeedPage(store, subscription.position, BATCH, filter);
    let position = subscription.position;
    for (const event of page.events) {
      if (this.stopping || !this.options.mayDeliver()) return position > subscription.position;
      const outcome = await this.attempt(subscription, event);
      const at = new Date().toISOString();
      if (!outcome.ok) {
        if (this.stopping) return false;
        await this.failed(subscription, outcome, at);
        return false;
      }
      this.options.onAttempt?.('delivered');
      // False: another deliverer moved the cursor (a leadership change); it carries on from there.
      if (!(await subscriptions.delivered(subscription.id, position, event.globalPosition, at, outcome.status ?? 0))) {
        return false;
      }
      position = event.globalPosition;
    }
    if (page.events.length < BATCH && page.nextAfter > position) {
      // The filter passed over events after the last one sent: do not read them again.
      if (await subscriptions.advance(subscription.id, position, page.nextAfter)) position = page.nextAfter;
    }
    return position > subscription.position;
  }

  private async failed(subscription: Subscription, outcome: AttemptOutcome, at: string): Promise<void> {
    this.options.onAttempt?.('failed');
    const failures = subscription.consecutiveFailures + 1;
    const pause = failures >= this.options.maxFailures;
    const error = outcome.error ?? `HTTP ${outcome.status ?? '?'}`;
    await this.options.subscriptions.failed(subscription.id, {
      at,
      status: outcome.status,
      error,
      consecutiveFailures: failures,
      nextAttemptAt: new Date(Date.now() + retryDelayMs(failures, this.options.retryBaseMs)).toISOString(),
      pause,
    });
    // The id and the error only: the URL may carry the receiver's own token in its query.
    this.options.log(
      'warn',
      pause
        ? `Webhook subscription ${subscription.id} paused after ${failures} consecutive failures (${error}); POST /subscriptions/${subscription.id}/resume`
        : `Webhook delivery of subscription ${subscription.id} failed (${failures} in a row): ${error}`,
    );
  }

  private attempt(subscription: Subscription, event: StoredEvent): Promise<AttemptOutcome> {
    const refusal = webhookUrlRefusal(subscription.url, this.options.allowPrivate);
    if (refusal !== null) return Promise.resolve({ ok: false, status: null, error: refusal });
    const body = deliveryBody(subscription, event);
    const timestamp = Math.floor(Date.now() / 1000);
    return this.post(new URL(subscription.url), body, {
      'content-type': 'application/json',
      'user-agent': 'Kierto-Webhooks/1',
      'kierto-delivery': String(event.globalPosition),
      'kierto-event-type': event.type,
      'kierto-subscription': subscription.id,
      [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(subscription.secret, timestamp, body),
    });
  }

  /** One POST; 2xx is delivered, anything else (a redirect too: not followed) a failure. */
  private post(url: URL, body: string, headers: Record<string, string>): Promise<AttemptOutcome> {
    return new Promise((resolve) => {
      const client = url.protocol === 'https:' ? https : http;
      const request = client.request(url, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(this.options.allowPrivate),
      });
      this.inFlight.add(request);
      const deadline = setTimeout(
        () => request.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
      const finish = (outcome: AttemptOutcome): void => {
        clearTimeout(deadline);
        this.inFlight.delete(request);
        resolve(outcome);
      };
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        // The answer's body is not read: only the status counts.
        response.resume();
        response.on('end', () =>
          finish({
            ok: status >= 200 && status < 300,
            status,
            error: status >= 200 && status < 300 ? null : `HTTP ${status}`,
          }),
        );
        response.on('error', (error) => finish({ ok: false, status, error: error.message }));
      });
      request.on('error', (error) => finish({ ok: false, status: null, error: error.message }));
      request.end(body);
    });
  }

  private idle(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise((resolve) => {
      let settled = false;
      const done = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, IDLE_MS);
      this.wakeUp = done;
      // An append by this process ends the idle time at once (the store's head waiters); others
      // and retries falling due are seen within IDLE_MS.
      if (this.lowestDue !== null) {
        this.options.store.waitForEvents(this.lowestDue, IDLE_MS).then(
          (found) => {
            if (found) done();
          },
          () => undefined,
        );
      }
    });
  }
}

/**
 * DNS resolution that refuses private addresses (unless allowed) on the address actually connected
 * to, so a name re-pointed after registration (DNS rebinding) cannot reach inside the network.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error !== null) {
        callback(error, '', 4);
        return;
      }
      const refused = allowPrivate ? undefined : addresses.find(({ address }) => isPrivateAddress(address));
      if (refused !== undefined) {
        callback(
          Object.assign(new Error(`${hostname} resolves to ${refused.address}, a private address`), {
            code: 'EPRIVATE',
          }),
          '',
          4,
        );
        return;
      }
      if (options.all === true) {
        callback(null, addresses);
        return;
      }
      const first = addresses[0];
      if (first === undefined)
        callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 4);
      else callback(null, first.address, first.family);
    });
  };
}
