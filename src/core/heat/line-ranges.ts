/**
 * Which lines of a document to compute: all of them for a small file, otherwise the visible
 * ranges plus a margin, skipping lines already computed for this version of the document.
 */

/** Lines [start, end), 0-based. */
export interface LineInterval {
  start: number;
  end: number;
}

/** Sorted, non-overlapping, non-adjacent intervals covering the same lines; empty ones dropped. */
export function mergeIntervals(intervals: readonly LineInterval[]): LineInterval[] {
  const sorted = intervals.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: LineInterval[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ start: r.start, end: r.end });
  }
  return out;
}

export interface LinePlanInput {
  lineCount: number;
  /** Document size in characters (or bytes). */
  size: number;
  /** Files larger than this are computed around the visible ranges only. */
  maxFileSize: number;
  /** Visible line ranges (end exclusive). */
  visible: readonly LineInterval[];
  /** Lines added above and below each visible range. */
  margin: number;
  /** Lines already computed (and still valid); not planned again. */
  done?: (line: number) => boolean;
}

export interface LinePlan {
  mode: 'full' | 'visible';
  /** The ranges considered (whole document, or visible + margin), merged. */
  ranges: LineInterval[];
  /** Lines in `ranges` still to compute, ascending. */
  lines: number[];
}

export function planLines(input: LinePlanInput): LinePlan {
  const { lineCount } = input;
  const mode = input.size > input.maxFileSize ? 'visible' : 'full';
  const ranges =
    mode === 'full'
      ? lineCount > 0
        ? [{ start: 0, end: lineCount }]
        : []
      : mergeIntervals(
          input.visible.map((r) => ({
            start: Math.max(0, r.start - input.margin),
            end: Math.min(lineCount, r.end + input.margin),
          })),
        );
  const lines: number[] = [];
  for (const r of ranges) for (let l = r.start; l < r.end; l++) if (!input.done?.(l)) lines.push(l);
  return { mode, ranges, lines };
}
