import { GrainError } from '../errors';

export type RareClassMode = 'drop' | 'other';

export interface RareClassReport {
  /** Classes left, in label-index order (sorted); includes the `other` label if one was made. */
  kept: string[];
  /** Classes below the minimum, most frequent first. */
  dropped: { label: string; count: number }[];
  mode: RareClassMode;
}

export interface FilteredLabels {
  labels: string[][];
  /**
   * One byte per word, all sentences flattened in order (the activation row order): 1 = use,
   * 0 = dropped. Words are never removed, because activation rows are one per word and would
   * lose their alignment; callers skip rows whose mask is 0 (encodeLabels gives them y = -1).
   */
  keep: Uint8Array;
  report: RareClassReport;
}

export interface RareClassOptions {
  minCount: number;
  mode: RareClassMode;
  /** Label that replaces rare ones in `other` mode; default `OTHER` (merges with a real OTHER). */
  otherLabel?: string;
}

/** Removes classes with fewer than `minCount` words: masked out (`drop`) or merged (`other`). */
export function filterRareClasses(labels: string[][], opts: RareClassOptions): FilteredLabels {
  if (!Number.isInteger(opts.minCount) || opts.minCount < 1) {
    throw new GrainError(`minimum class count must be a positive integer, got ${opts.minCount}`);
  }
  const counts = countLabels(labels);
  const rare = new Set<string>();
  for (const [label, n] of counts) if (n < opts.minCount) rare.add(label);
  const other = opts.otherLabel ?? 'OTHER';
  const keep = new Uint8Array(totalWords(labels)).fill(1);
  let out = labels;
  if (opts.mode === 'other') {
    out = labels.map((s) => s.map((l) => (rare.has(l) ? other : l)));
  } else {
    let at = 0;
    for (const s of labels) for (const l of s) keep[at++] = rare.has(l) ? 0 : 1;
  }
  const keptSet = new Set<string>();
  for (const [label] of counts) if (!rare.has(label)) keptSet.add(label);
  if (opts.mode === 'other' && rare.size > 0) keptSet.add(other);
  const kept = [...keptSet].sort();
  if (kept.length < 2) {
    throw new GrainError(
      `after removing classes with fewer than ${opts.minCount} words, ${kept.length === 0 ? 'no class remains' : `only '${kept[0]}' remains`}; a probe needs at least two classes`,
    );
  }
  const dropped = [...rare]
    .map((label) => ({ label, count: counts.get(label) ?? 0 }))
    .sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  return { labels: out, keep, report: { kept, dropped, mode: opts.mode } };
}

export interface LabelIndex {
  classes: string[];
  index: Map<string, number>;
}

/**
 * Class indices in sorted (code-unit) order, so the same label set always gives the same
 * indices whatever order the corpus is in. Masked-out words (keep = 0) do not make classes.
 */
export function buildLabelIndex(labels: string[][], keep?: Uint8Array): LabelIndex {
  checkMask(labels, keep);
  const seen = new Set<string>();
  let at = 0;
  for (const s of labels) for (const l of s) if (!keep || keep[at++]) seen.add(l);
  const classes = [...seen].sort();
  if (classes.length === 0) throw new GrainError('no labels: the class list is empty');
  if (classes.length === 1) throw new GrainError(`only one class ('${classes[0]}'); a probe needs at least two`);
  return { classes, index: new Map(classes.map((c, i) => [c, i])) };
}

export interface EncodedLabels {
  /** Class index per word (flattened, row order); -1 for labels not in the index or masked out. */
  y: Int32Array;
  /** Words whose label is not in the index (e.g. test labels never seen in training). */
  unseen: number;
  unseenLabels: Map<string, number>;
  /** Words masked out by `keep`. */
  dropped: number;
}

export function encodeLabels(labels: string[][], index: LabelIndex | Map<string, number>, keep?: Uint8Array): EncodedLabels {
  checkMask(labels, keep);
  const map = index instanceof Map ? index : index.index;
  const y = new Int32Array(totalWords(labels));
  const unseenLabels = new Map<string, number>();
  let unseen = 0;
  let dropped = 0;
  let at = 0;
  for (const s of labels) {
    for (const l of s) {
      if (keep && !keep[at]) {
        y[at++] = -1;
        dropped++;
        continue;
      }
      const c = map.get(l);
      if (c === undefined) {
        y[at++] = -1;
        unseen++;
        unseenLabels.set(l, (unseenLabels.get(l) ?? 0) + 1);
      } else {
        y[at++] = c;
      }
    }
  }
  return { y, unseen, unseenLabels, dropped };
}

export function countLabels(labels: string[][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of labels) for (const l of s) counts.set(l, (counts.get(l) ?? 0) + 1);
  return counts;
}

function totalWords(labels: string[][]): number {
  let n = 0;
  for (const s of labels) n += s.length;
  return n;
}

function checkMask(labels: string[][], keep?: Uint8Array): void {
  if (keep && keep.length !== totalWords(labels)) {
    throw new GrainError(`keep mask has ${keep.length} entries for ${totalWords(labels)} words`);
  }
}
