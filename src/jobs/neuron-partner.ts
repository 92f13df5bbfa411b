import type { NeuronPartnerJob, TextActivationsJob } from '../shared/jobs';
import type { NeuronPartnerResult } from '../shared/job-results';
import { GrainError, throwIfAborted } from '../core/errors';
import { bestPartner, correlateWithColumns, standardize, zDifference } from '../core/correlate/partner';
import type { JobContext } from './context';
import { cachedModel } from './model-cache';
import { runTextActivations } from './text-activations';

/**
 * A neuron of one model beside its partner in another, word by word over some document lines:
 * both models run the same lines (the words line up, whatever each tokenizer does inside a word),
 * then the partner is the other model's neuron with the largest |r| over those words unless one
 * was given, and each is standardised over the words for the difference.
 */
export async function runNeuronPartner(job: NeuronPartnerJob, ctx: JobContext): Promise<NeuronPartnerResult> {
  const started = performance.now();
  const other = await cachedModel(job.other, job.sites, job.threads);
  const m = other.neurons;
  if (job.partner !== undefined && !(Number.isInteger(job.partner) && job.partner >= 0 && job.partner < m)) {
    throw new GrainError(`neuron ${job.partner} does not exist: ${other.dir} has neurons 0-${m - 1} at sites '${job.sites}'`);
  }
  const base: Omit<TextActivationsJob, 'model' | 'neurons'> = {
    kind: 'text-activations',
    lines: job.lines,
    aggregation: job.aggregation,
    subword: false,
    sites: job.sites,
    batchSize: job.batchSize,
    threads: job.threads,
    topK: 0,
  };
  const quiet: JobContext = { ...ctx, progress: () => {} };
  const a = await runTextActivations({ ...base, model: job.model, neurons: [job.neuron] }, quiet);
  ctx.progress({ stage: 'first model', done: 1, total: 2 });
  throwIfAborted(ctx.signal);
  const wanted = job.partner !== undefined ? [job.partner] : Array.from({ length: m }, (_, j) => j);
  const b = await runTextActivations({ ...base, model: job.other, neurons: wanted }, quiet);
  ctx.progress({ stage: 'second model', done: 2, total: 2 });
  if (a.rows !== b.rows || a.text.some((t, r) => t !== b.text[r])) throw new Error('neuron-partner: the two models gave different words');

  const rows = a.rows;
  const computed = Uint8Array.from(a.computed, (c, r) => (c && b.computed[r] ? 1 : 0));
  const words = computed.reduce((s, c) => s + c, 0);
  const r = correlateWithColumns(a.values, b.values, rows, wanted.length, computed);
  const best = bestPartner(r);
  const partner = wanted[best.neuron];
  const partnerValues = Float32Array.from({ length: rows }, (_, i) => b.values[i * wanted.length + best.neuron]);
  const z = standardize(a.values, rows, computed);
  const partnerZ = standardize(partnerValues, rows, computed);
  return {
    otherSiteInfo: b.siteInfo,
    otherNeurons: m,
    rows,
    line: a.line,
    start: a.start,
    end: a.end,
    text: a.text,
    computed,
    values: a.values,
    partner,
    partnerValues,
    searched: job.partner === undefined,
    r: best.r,
    words,
    z,
    partnerZ,
    diff: zDifference(z, partnerZ, best.r),
    seconds: (performance.now() - started) / 1000,
  };
}
