import { resolve } from 'node:path';
import type { AnnotateJob } from '../shared/jobs';
import type { AnnotateResult } from '../shared/job-results';
import { balanceNegatives, POSITIVE } from '../core/corpus';
import { GrainError } from '../core/errors';
import { writeFileAtomic } from '../core/io/atomic';
import { checkOutputPath } from '../core/io/output-guard';
import type { JobContext } from './context';
import { jobInputs } from './files';
import { annotateWhole } from './labelled';

/**
 * Writes a binary concept as NeuroX label files: one line of labels per sentence (load_data
 * takes it with the same text), or, balanced, annotate's one word per line: the positive words
 * in text order, then the negative words balancing kept (seeded), in text order.
 */
export async function runAnnotate(job: AnnotateJob, ctx: JobContext): Promise<AnnotateResult> {
  if (job.balance && !job.wordsOut) {
    throw new GrainError('balanced, the labels are one word per line (NeuroX annotate layout) and need their words beside them: give --words-out FILE');
  }
  if (job.wordsOut) {
    if (resolve(job.wordsOut) === resolve(job.out)) throw new GrainError('--words-out and --out are the same file; the words and the labels go to two files', { file: job.out });
    checkOutputPath(job.wordsOut, jobInputs(job), '--words-out');
  }
  ctx.progress({ stage: 'annotating', done: 0, total: 1 });
  const a = await annotateWhole(job.data);
  let labels: string[];
  let words: string[];
  let layout: AnnotateResult['layout'];
  if (job.balance) {
    const flatWords = a.sentences.flat();
    const flatLabels = a.labels.flat();
    const y = Int32Array.from(flatLabels, (l) => (l === POSITIVE ? 1 : 0));
    const { keep } = balanceNegatives(y, 1, job.seed);
    const order: number[] = [];
    for (let i = 0; i < y.length; i++) if (y[i] === 1) order.push(i);
    for (let i = 0; i < y.length; i++) if (y[i] === 0 && keep[i]) order.push(i);
    labels = order.map((i) => flatLabels[i]);
    words = order.map((i) => flatWords[i]);
    layout = 'words';
  } else {
    labels = a.labels.map((s) => s.join(' '));
    words = a.sentences.map((s) => s.join(' '));
    layout = 'sentences';
  }
  const text = (lines: string[]) => lines.join('\n') + '\n';
  writeFileAtomic(job.out, text(labels));
  if (job.wordsOut) writeFileAtomic(job.wordsOut, text(words));
  ctx.progress({ stage: 'annotating', done: 1, total: 1 });
  return {
    out: job.out,
    ...(job.wordsOut ? { wordsOut: job.wordsOut } : {}),
    layout,
    concept: a.description,
    sentences: a.sentences.length,
    positive: a.positive,
    negative: a.negative,
    lines: labels.length,
  };
}
