/**
 * The printable label sheet (docs/pages.md, "Labels"): A4 sheets of 3 × 8 labels of 70 × 37 mm, the
 * common self-adhesive "24 per sheet" stock without margins, each with the device's QR code (drawn
 * as vectors from the symbol's modules, so it prints sharp at any resolution), its brand and model,
 * GTIN, serial number and the link in human-readable form for when no camera is at hand.
 */
import PDFDocument from 'pdfkit';
import { QR_QUIET_ZONE, darkRuns, qrMatrixOf, type QrMatrix } from './qr.js';

export interface Label {
  /** Brand and model, or what else names the device. */
  readonly name: string;
  readonly gtin: string | null;
  readonly serialNumber: string | null;
  /** What the QR code encodes and the label prints: the Digital Link or the passport URL. */
  readonly link: string;
}

const MM = 72 / 25.4;
const A4 = { width: 210 * MM, height: 297 * MM };
export const LABEL_LAYOUT = {
  columns: 3,
  rows: 8,
  width: 70 * MM,
  height: 37 * MM,
  /** 297 mm less 8 × 37 mm, split above and below. */
  top: 0.5 * MM,
  /** Inside each label: most printers leave about 4 mm at the sheet's edge unprinted. */
  padding: 4 * MM,
  /** Side of the QR code with its quiet zone. */
  qr: 27 * MM,
} as const;
export const LABELS_PER_PAGE = LABEL_LAYOUT.columns * LABEL_LAYOUT.rows;

export interface SheetOptions {
  /** Deflate the page streams (default). Tests read the text with it off. */
  readonly compress?: boolean;
}

/** Renders the labels in order, LABELS_PER_PAGE per A4 page, and resolves with the PDF's bytes. */
export function labelSheet(labels: readonly Label[], options: SheetOptions = {}): Promise<Buffer> {
  const document = new PDFDocument({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    compress: options.compress ?? true,
    info: { Title: 'Kierto labels', Creator: 'Kierto' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
  });
  // A symbol costs milliseconds (eight masks are scored); a sheet often repeats one device.
  const symbols = new Map<string, QrMatrix>();
  const symbolOf = (link: string): QrMatrix => {
    const known = symbols.get(link) ?? qrMatrixOf(link);
    symbols.set(link, known);
    return known;
  };
  labels.forEach((label, index) => {
    const slot = index % LABELS_PER_PAGE;
    if (slot === 0) document.addPage({ size: [A4.width, A4.height], margin: 0 });
    const x = (slot % LABEL_LAYOUT.columns) * LABEL_LAYOUT.width;
    const y = LABEL_LAYOUT.top + Math.floor(slot / LABEL_LAYOUT.columns) * LABEL_LAYOUT.height;
    drawLabel(document, label, symbolOf(label.link), x, y);
  });
  document.end();
  return done;
}

function drawLabel(document: PDFKit.PDFDocument, label: Label, symbol: QrMatrix, x: number, y: number): void {
  const { padding, qr, width } = LABEL_LAYOUT;
  drawQr(document, symbol, x + padding - 1 * MM, y + padding, qr);
  const textX = x + padding - 1 * MM + qr + 1.5 * MM;
  const textWidth = x + width - padding - textX;
  let line = y + padding + 1 * MM;
  const write = (text: string, font: string, size: number): void => {
    document.font(font).fontSize(size);
    document.text(text, textX, line, { width: textWidth, lineBreak: false, ellipsis: true });
    line += size * 1.3;
  };
  write(label.name, 'Helvetica-Bold', 7.5);
  if (label.gtin !== null) write(`GTIN ${label.gtin}`, 'Helvetica', 7);
  if (label.serialNumber !== null) write(`S/N ${label.serialNumber}`, 'Helvetica', 7);
  line += 1.5 * MM;
  document.font('Courier').fontSize(5.5);
  for (const part of wrapLink(label.link, (text) => document.widthOfString(text), textWidth).slice(0, 5)) {
    document.text(part, textX, line, { lineBreak: false });
    line += 5.5 * 1.2;
  }
}

/** The QR symbol as filled rectangles, one per run of dark modules, inside a `side`-wide square with its quiet zone. */
function drawQr(document: PDFKit.PDFDocument, matrix: QrMatrix, x: number, y: number, side: number): void {
  const module = side / (matrix.size + 2 * QR_QUIET_ZONE);
  for (const [row, column, length] of darkRuns(matrix)) {
    document.rect(x + (column + QR_QUIET_ZONE) * module, y + (row + QR_QUIET_ZONE) * module, length * module, module);
  }
  document.fill('#000000');
}

/**
 * Cuts a link into lines no wider than `width`, after a `/` where one falls in the line's second half,
 * else where the width runs out: a URL has no spaces to wrap at.
 */
export function wrapLink(link: string, measure: (text: string) => number, width: number): string[] {
  const lines: string[] = [];
  let rest = link;
  while (rest !== '') {
    let end = rest.length;
    while (end > 1 && measure(rest.slice(0, end)) > width) end -= 1;
    if (end < rest.length) {
      const slash = rest.lastIndexOf('/', end - 1);
      if (slash >= end / 2) end = slash + 1;
    }
    lines.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  return lines;
}
