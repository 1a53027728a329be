/** A one-line progress bar with rate and ETA, redrawn on a terminal (stderr) at most 5 times a second. */
import type { ImportProgress, ImportSummary } from './import.js';

export interface ProgressTarget {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

const group = (n: number): string => Math.round(n).toLocaleString('en-US').replaceAll(',', ' ');

export function renderProgress(progress: ImportProgress, totalBytes: number | null, width = 24): string {
  const seconds = progress.elapsedMs / 1000;
  const rate = seconds > 0 ? progress.imported / seconds : 0;
  if (totalBytes === null || totalBytes <= 0) {
    return `${group(progress.lines)} lines, ${group(progress.imported)} imported, ${group(rate)} events/s`;
  }
  const share = Math.min(1, progress.bytes / totalBytes);
  const filled = Math.round(share * width);
  const eta = share > 0 ? (seconds / share) * (1 - share) : Number.POSITIVE_INFINITY;
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ` +
    `${group(progress.lines)} lines ${group(rate)} events/s ETA ${duration(eta)}`
  );
}

/** Returns the onProgress callback; draws nothing unless the target is a terminal. */
export function progressBar(
  target: ProgressTarget,
  totalBytes: number | null,
): {
  update: (progress: ImportProgress) => void;
  done: () => void;
} {
  let last = 0;
  let drawn = false;
  return {
    update(progress) {
      if (target.isTTY !== true) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      drawn = true;
      target.write(`\r${renderProgress(progress, totalBytes)}\u001b[K`);
    },
    done() {
      if (drawn) target.write('\r\u001b[K');
    },
  };
}

export function formatSummary(summary: ImportSummary): string {
  return (
    `${group(summary.lines)} lines: ${group(summary.imported)} imported, ${group(summary.duplicates)} already imported (skipped), ` +
    `${group(summary.refused)} refused; ${group(summary.eventsPerSecond)} events/s in ${(summary.elapsedMs / 1000).toFixed(1)} s; ` +
    // The position, ungrouped, is what `?minPosition=` takes to read figures that include the import.
    (summary.lastPosition === null ? 'nothing appended' : `last position ${summary.lastPosition}`)
  );
}
