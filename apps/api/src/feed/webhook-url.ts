/**
 * Which webhook URLs Kierto will call (docs/feed.md, "SSRF"). A subscription makes the server send
 * requests to an address a client chose, so by default it refuses addresses inside the deployment's
 * networks (loopback, private, link-local — where cloud metadata services live — and the like):
 * otherwise any organisation with the feed permission could probe or poke services behind the
 * firewall. The address is checked when the subscription is created (an IP literal) and again on
 * every delivery, on the address the name resolves to at that moment (a name may be re-pointed).
 */
import { BlockList, isIP } from 'node:net';

export const MAX_URL_LENGTH = 2_048;

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

/** Loopback, private, link-local, shared, multicast or reserved: not somewhere on the internet. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped !== undefined) return isPrivateAddress(mapped);
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why the URL is refused (a message naming the rule), or null when it is acceptable. */
export function webhookUrlRefusal(raw: string, allowPrivate: boolean): string | null {
  if (raw.length > MAX_URL_LENGTH) return `The URL is longer than ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Not an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'Only http and https URLs are called';
  if (url.username !== '' || url.password !== '') {
    return 'A URL with credentials is refused: the receiver verifies the signature instead';
  }
  if (url.hash !== '') return 'A URL with a fragment is refused';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (
    !allowPrivate &&
    (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && isPrivateAddress(host)))
  ) {
    return `${host} is a loopback or private address; Kierto calls public addresses only (KIERTO_WEBHOOK_ALLOW_PRIVATE)`;
  }
  return null;
}
