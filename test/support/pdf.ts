import { inflateSync } from 'node:zlib';
import type { Test } from 'supertest';

/** The body as bytes, whatever its type (supertest buffers only text and JSON by itself): a PDF, an image. */
export function bytes(test: Test): Test {
  return test.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
}

/** The content streams of a PDF, inflated where they are deflated (pdfkit's /FlateDecode). */
function streamsOf(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const streams: string[] = [];
  const pattern = /<<([^]*?)>>\s*stream\r?\n/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const start = match.index + match[0].length;
    const end = text.indexOf('endstream', start);
    const bytes = pdf.subarray(start, end);
    streams.push(
      /\/FlateDecode/.test(match[1] ?? '') ? inflateSync(bytes).toString('latin1') : bytes.toString('latin1'),
    );
  }
  return streams;
}

/**
 * The strings pdfkit showed on the pages, one per text operation (`[<hex> kerning <hex>] TJ`), decoded
 * from the standard fonts' single-byte encoding.
 */
export function pdfTexts(pdf: Buffer): string[] {
  const texts: string[] = [];
  for (const stream of streamsOf(pdf)) {
    for (const operation of stream.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      const parts = [...(operation[1] ?? '').matchAll(/<([0-9a-fA-F]*)>/g)];
      texts.push(parts.map((part) => Buffer.from(part[1] ?? '', 'hex').toString('latin1')).join(''));
    }
  }
  return texts;
}

/** The number of pages: page objects (`/Type /Page`, not `/Pages`). */
export function pdfPageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g)?.length ?? 0;
}
