/**
 * QR codes of devices (docs/pages.md, "QR codes"). One symbol per link, made by the `qrcode` package:
 * the SVG and the label sheet draw its module matrix as vectors, the PNG is the package's raster of
 * the same symbol (same text, same options).
 *
 * Error correction M (about 15 % of the symbol recoverable): GS1's guidance for QR codes carrying a
 * GS1 Digital Link on products. L would make smaller symbols but fails on a label that is scuffed or
 * curved round a cable; Q and H buy robustness with a larger symbol (a 53–60-character link is version
 * 4 at M, 4–5 at Q, 5–6 at H), i.e. smaller modules on a 27 mm label and harder reading by a phone.
 * The quiet zone is the 4 modules ISO/IEC 18004 requires on every side.
 */
import QRCode from 'qrcode';
import { escapeHtml } from './html.js';

export const QR_ERROR_CORRECTION = 'M';
/** Light modules around the symbol, on each side (ISO/IEC 18004). */
export const QR_QUIET_ZONE = 4;
/** PNG pixels per module: a 41-module symbol with its quiet zone is 328 px, sharp when printed at 25 mm and 300 dpi. */
export const QR_PNG_SCALE = 8;

/** The symbol's modules, row by row, without the quiet zone. */
export interface QrMatrix {
  readonly size: number;
  readonly version: number;
  isDark(row: number, column: number): boolean;
}

export function qrMatrixOf(text: string): QrMatrix {
  const symbol = QRCode.create(text, { errorCorrectionLevel: QR_ERROR_CORRECTION });
  const { modules } = symbol;
  return { size: modules.size, version: symbol.version, isDark: (row, column) => modules.get(row, column) === 1 };
}

/** Runs of dark modules per row, as [row, first column, length]: fewer shapes than one per module. */
export function darkRuns(matrix: QrMatrix): [number, number, number][] {
  const runs: [number, number, number][] = [];
  for (let row = 0; row < matrix.size; row += 1) {
    let start = -1;
    for (let column = 0; column <= matrix.size; column += 1) {
      const dark = column < matrix.size && matrix.isDark(row, column);
      if (dark && start < 0) start = column;
      if (!dark && start >= 0) {
        runs.push([row, start, column - start]);
        start = -1;
      }
    }
  }
  return runs;
}

/**
 * The symbol as SVG: one unit per module, the quiet zone inside the viewBox (white background), one
 * path of row runs, crisp edges. The encoded link is its accessible name.
 */
export function qrSvg(text: string): string {
  const matrix = qrMatrixOf(text);
  const side = matrix.size + 2 * QR_QUIET_ZONE;
  const path = darkRuns(matrix)
    .map(([row, column, length]) => `M${column + QR_QUIET_ZONE} ${row + QR_QUIET_ZONE}h${length}v1h-${length}z`)
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" width="${side * QR_PNG_SCALE}" height="${side * QR_PNG_SCALE}" shape-rendering="crispEdges" role="img">` +
    `<title>${escapeHtml(text)}</title>` +
    `<rect width="${side}" height="${side}" fill="#fff"/>` +
    `<path fill="#000" d="${path}"/></svg>\n`
  );
}

/** The symbol as PNG, black on white, QR_PNG_SCALE pixels per module, with the quiet zone. */
export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, {
    type: 'png',
    errorCorrectionLevel: QR_ERROR_CORRECTION,
    margin: QR_QUIET_ZONE,
    scale: QR_PNG_SCALE,
    color: { dark: '#000000ff', light: '#ffffffff' },
  });
}
