import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature, type Verification } from '../../apps/api/src/feed/signature.js';

export interface Delivery {
  readonly deliveryId: number;
  readonly eventType: string;
  readonly subscriptionId: string;
  readonly body: string;
  readonly signature: string | undefined;
  /** The receiver's own check with the secret it was given, as docs/feed.md tells receivers to. */
  readonly verification: Verification;
}

/**
 * A webhook receiver on loopback, as an integrator would write one: it verifies every signature
 * with the subscription's secret over the raw body, answers `status` (200 by default), and can go
 * down (stop listening) and come back on the same port.
 */
export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  secret = '';
  status = 200;
  private server: http.Server | null = null;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/kierto?token=receiver-own`;
  }

  async start(): Promise<void> {
    const server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const signature = request.headers['kierto-signature'];
        const header = Array.isArray(signature) ? signature[0] : signature;
        this.deliveries.push({
          deliveryId: Number(request.headers['kierto-delivery']),
          eventType: String(request.headers['kierto-event-type']),
          subscriptionId: String(request.headers['kierto-subscription']),
          body,
          signature: header,
          verification: verifySignature(this.secret, header, body, Math.floor(Date.now() / 1000)),
        });
        response.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Down: nothing listens on the port any more, so deliveries are refused at connect. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The delivery ids received, in arrival order. */
  ids(): number[] {
    return this.deliveries.map((delivery) => delivery.deliveryId);
  }
}

/** Polls `check` until it returns a value other than undefined (bounded; no timing is asserted). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
