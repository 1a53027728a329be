import { createHash } from 'node:crypto';

/**
 * The pages' one stylesheet, inlined in each page (one request, no cache to miss on a phone that just
 * scanned a code) and allowed by the Content-Security-Policy through its hash, so no other inline
 * style and no script can run. Mobile first: one column, widening to a readable measure on larger
 * screens; colours meet WCAG AA contrast on white (#1b1b1b text, #0a4fa8 links, status tints with
 * dark text). System fonts: nothing to download.
 */
export const PAGE_CSS = [
  '*{box-sizing:border-box}',
  'body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff}',
  'header,main,footer{max-width:42rem;margin:0 auto;padding:0 1rem}',
  'header{display:flex;justify-content:space-between;align-items:center;gap:1rem;padding-top:.75rem;font-size:.9rem}',
  'nav ul{display:flex;gap:.75rem;list-style:none;margin:0;padding:0}',
  'a{color:#0a4fa8}',
  'a[aria-current]{color:#1b1b1b;font-weight:700;text-decoration:none}',
  'h1{font-size:1.5rem;line-height:1.25;margin:1rem 0 .5rem}',
  'h1 small{display:block;font-size:.9rem;font-weight:400;color:#4a4a4a}',
  'h2{font-size:1.15rem;margin:1.5rem 0 .5rem;padding-top:1rem;border-top:1px solid #d0d0d0}',
  'h3{font-size:1rem;margin:1rem 0 .25rem}',
  '.status{display:inline-block;padding:.25rem .6rem;border-radius:.3rem;background:#e3effd;font-weight:600}',
  '.status.collected{background:#fff1c2}',
  '.status.recycled{background:#e6e6e6}',
  '.wipe{padding:.6rem .8rem;border-left:.3rem solid #1c7c3c;background:#eaf6ee}',
  '.wipe.warn{border-color:#a15c00;background:#fff4e0}',
  // Labels take at most 40 % (a long one wraps) so that on a phone the values keep room to read.
  'dl{display:grid;grid-template-columns:fit-content(40%) 1fr;gap:.25rem 1rem;margin:0}',
  'dt{color:#4a4a4a}',
  'dd{margin:0;overflow-wrap:anywhere}',
  'table{border-collapse:collapse;width:100%;font-size:.9rem}',
  // Narrow cell padding: four columns with Finnish headers must fit a 390 px phone's column.
  'th,td{text-align:left;padding:.3rem .25rem;border-bottom:1px solid #e0e0e0}',
  'th{vertical-align:bottom}',
  // Headers of number columns too, so each header stands over its numbers.
  '.n{text-align:right}',
  // The left margin keeps the dots (which straddle the line) inside the column.
  'ol.timeline{list-style:none;margin:0 0 0 .35rem;padding:0 0 0 1rem;border-left:2px solid #8a8a8a}',
  'ol.timeline li{margin:0 0 .6rem;position:relative}',
  'ol.timeline li::before{content:"";position:absolute;left:-1.4rem;top:.45rem;width:.6rem;height:.6rem;border-radius:50%;background:#1b1b1b}',
  'time{font-variant-numeric:tabular-nums}',
  // The date on its own line above the event, so the two do not run together as one phrase.
  'ol.timeline time{display:block;font-size:.9rem;color:#4a4a4a}',
  'footer{margin-top:2rem;padding-bottom:2rem;font-size:.85rem;color:#4a4a4a}',
  '@media (min-width:40rem){h1{font-size:1.9rem}}',
].join('');

const CSS_HASH = createHash('sha256').update(PAGE_CSS, 'utf8').digest('base64');

/**
 * The pages' Content-Security-Policy: nothing loads or runs but the one stylesheet above (no script
 * at all), no form posts anywhere, no frame embeds the page, relative URLs cannot be re-based.
 */
export const PAGE_CSP = `default-src 'none'; style-src 'sha256-${CSS_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
