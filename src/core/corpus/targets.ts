import { GrainError } from '../errors';
import type { LabelledCorpus } from './types';

/**
 * Real-valued targets of a regression probe (NeuroX's create_tensors with task_type
 * 'regression': float(label)), one per row in row order: per word, or per sentence at sentence
 * level. A label that is not a finite decimal number is refused with its file and line.
 */
export function numericTargets(c: LabelledCorpus): Float32Array {
  const out = new Float32Array(c.labels.reduce((n, s) => n + s.length, 0));
  let at = 0;
  c.labels.forEach((labels, i) => {
    for (const l of labels) {
      const v = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(l) ? Number(l) : NaN;
      if (!Number.isFinite(v)) {
        throw new GrainError(`label '${l}' is not a number; a regression probe needs one number per ${c.level === 'sentence' ? 'sentence' : 'word'}`, {
          file: c.labelsFile ?? c.source,
          line: c.lines?.[i] ?? i + 1,
        });
      }
      out[at++] = v;
    }
  });
  return out;
}
