import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { didDocumentUrlOf, didWebDocumentUrl, didWebOf, parseDidDocument } from './did-web.js';

describe('did:web of the public URL', () => {
  it.each([
    ['https://dpp.example.org', 'did:web:dpp.example.org', 'https://dpp.example.org/.well-known/did.json'],
    [
      'https://dpp.example.org:8443',
      'did:web:dpp.example.org%3A8443',
      'https://dpp.example.org:8443/.well-known/did.json',
    ],
    ['https://example.org/kierto/fi', 'did:web:example.org:kierto:fi', 'https://example.org/kierto/fi/did.json'],
    ['https://example.org:8443/a%20b', 'did:web:example.org%3A8443:a%20b', 'https://example.org:8443/a%20b/did.json'],
  ])('%s is %s, resolved at %s', (url, did, documentUrl) => {
    expect(didWebOf(url)).toBe(did);
    expect(didDocumentUrlOf(url)).toBe(documentUrl);
    expect(didWebDocumentUrl(did)).toBe(documentUrl);
  });

  it('resolves every DID it makes back to where the DID document is served', () => {
    const segment = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
    fc.assert(
      fc.property(
        fc.domain(),
        fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        fc.array(segment, { maxLength: 3 }),
        (host, port, path) => {
          const url = `https://${host}${port === undefined ? '' : `:${port}`}${path.map((part) => `/${part}`).join('')}`;
          expect(didWebDocumentUrl(didWebOf(url))).toBe(didDocumentUrlOf(url));
        },
      ),
    );
  });

  it('refuses what is not a did:web DID, and a document without the fields verification needs', () => {
    expect(() => didWebDocumentUrl('did:key:z6Mk')).toThrow('is not a did:web DID');
    expect(() => parseDidDocument({ id: 'did:web:x' }, 'did.json')).toThrow(
      'did.json is not a DID document (id, verificationMethod and assertionMethod are required)',
    );
  });
});
