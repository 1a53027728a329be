/**
 * The page setup the printed documents share (the delivery note of a handover, the data sanitisation
 * certificate): A4 with 50 pt margins, Helvetica, the same section headings, and the whole PDF as one
 * buffer once the document is ended.
 */
import PDFDocument from 'pdfkit';

export interface PrintedDocumentOptions {
  /** Deflate the page streams (default). Tests read the text with it off. */
  readonly compress?: boolean;
}

export interface PrintedDocument {
  readonly document: InstanceType<typeof PDFDocument>;
  /** A section heading, in bold; the text after it is in the body face. */
  readonly heading: (line: string) => void;
  /** The PDF, once `document.end()` was called. */
  readonly done: Promise<Buffer>;
}

export function printedDocument(title: string, options: PrintedDocumentOptions): PrintedDocument {
  const document = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: options.compress ?? true,
    info: { Title: title, Creator: 'Kierto' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });
  const heading = (line: string): void => {
    document.moveDown(0.6).font('Helvetica-Bold').fontSize(12).text(line).font('Helvetica').fontSize(10);
  };
  return { document, heading, done };
}
