import { readFileSync } from 'node:fs';
import type { AblateJob } from '../../shared/jobs';
import { header, resultKind, type AblationCurve, type AblationResult, type CorrelationResult, type ExperimentsResult, type ProbeResult } from '../../shared/results';
import { GRAIN_VERSION } from '../../shared/version';
import { GrainError } from '../../core/errors';
import type { SiteInfo } from '../../core/activations';
import { ablatedCount, ablationCurve, countsFromPercents, evaluateLoss, openAblationSession, parseMaskSpec, prepareText, type Ordering } from '../../core/ablate';
import { readSentenceFile } from '../../core/text';
import { writeJsonAtomic } from '../../core/io/atomic';
import { sameModel } from '../../core/model/folder';
import type { JobContext } from './context';

/**
 * In-model ablation: the model's loss on a text unablated, under fixed masks, and as curves over
 * how many neurons of each ordering are zeroed. One onnxruntime session serves every run.
 */
export async function runAblate(job: AblateJob, ctx: JobContext): Promise<AblationResult> {
  const started = performance.now();
  const { sentences, lines } = readSentenceFile(job.input);
  const session = await openAblationSession(job.model, { sites: job.sites, threads: job.threads });
  try {
    const masks = job.masks.map((spec) => ({ spec, ablation: parseMaskSpec(spec, session.sites) }));
    const orderings = job.curve ? job.curve.orderingFiles.flatMap((f) => orderingsFrom(f, job.model, session.sites)) : [];
    const text = prepareText(session, sentences, { maxSentences: job.maxSentences, file: job.input, lines });
    const total = 1 + masks.length;
    ctx.progress({ stage: 'evaluating the unablated model', done: 0, total });
    const baseline = await evaluateLoss(session, text, null, { signal: ctx.signal });
    const outcomes: AblationResult['masks'] = [];
    for (const [i, m] of masks.entries()) {
      ctx.progress({ stage: `ablating ${m.spec}`, done: i + 1, total });
      const r = await evaluateLoss(session, text, m.ablation, { signal: ctx.signal });
      const units = ablatedCount(m.ablation);
      outcomes.push({ spec: m.spec, units, meanNll: r.meanNll, perplexity: r.perplexity, tokens: r.tokens, delta: r.meanNll - baseline.meanNll });
    }
    let curve: AblationResult['curve'] = null;
    if (job.curve) {
      const counts = countsFromPercents(job.curve.percents, session.neurons);
      const curves = await ablationCurve(session, text, orderings, counts, {
        randomDraws: job.curve.randomDraws,
        seed: job.curve.seed,
        signal: ctx.signal,
        onProgress: (done, all, label) => ctx.progress({ stage: `ablation curve: ${label}`, done, total: all }),
      });
      const percentOf = (c: number) => (100 * c) / session.neurons;
      const series: AblationCurve[] = curves.series.map((s, i) => ({
        name: s.name,
        source: orderings[i]?.source,
        points: Array.from(curves.counts, (count, k) => ({ count, percent: percentOf(count), meanNll: s.meanNll[k], perplexity: Math.exp(s.meanNll[k]) })),
      }));
      if (curves.random) {
        const r = curves.random;
        series.push({
          name: 'random',
          points: Array.from(curves.counts, (count, k) => ({
            count,
            percent: percentOf(count),
            meanNll: r.mean[k],
            perplexity: Math.exp(r.mean[k]),
            std: r.std[k],
            min: r.min[k],
            max: r.max[k],
          })),
        });
      }
      curve = { counts: Array.from(curves.counts), percents: Array.from(curves.counts, percentOf), randomDraws: job.curve.randomDraws, seed: job.curve.seed, curves: series };
    }
    const result: AblationResult = {
      ...header('ablation', GRAIN_VERSION),
      model: job.model,
      input: job.input,
      objective: session.objective === 'causal' ? 'causal-lm' : 'masked-lm',
      sentences: text.sentences,
      sites: session.sites,
      neurons: session.neurons,
      baseline: { meanNll: baseline.meanNll, perplexity: baseline.perplexity, tokens: baseline.tokens },
      masks: outcomes,
      curve,
      masking: text.masked ? { seed: text.masked.seed, rate: text.masked.fraction, positions: text.masked.position.length } : undefined,
      timings: { seconds: (performance.now() - started) / 1000 },
    };
    writeJsonAtomic(job.out, result);
    return result;
  } finally {
    await session.close();
  }
}

type Named = Ordering & { source: string };

/**
 * Orderings a result file offers for `model`: a probe (or experiments) result gives LCA top and
 * its reverse (bottom); a correlation result gives this model's MaxCorr ranking (CCA top).
 */
export function orderingsFrom(file: string, model: string, sites: SiteInfo[]): Named[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new GrainError(`cannot read this ordering file: ${(e as Error).message}`, { file });
  }
  const kind = resultKind(parsed);
  if ('error' in kind) throw new GrainError(kind.error, { file });
  const sameSites = (theirs: SiteInfo[]) => {
    const a = theirs.map((s) => `${s.name}(${s.width})`).join(', ');
    const b = sites.map((s) => `${s.name}(${s.width})`).join(', ');
    if (a !== b) throw new GrainError(`its neurons are over sites ${a}, but the model's ablation sites are ${b}`, { file });
  };
  const lca = (ordering: number[]): Named[] => [
    { name: 'lca-top', neurons: Int32Array.from(ordering), source: file },
    { name: 'bottom', neurons: Int32Array.from(ordering).reverse(), source: file },
  ];
  switch (kind.kind) {
    case 'probe': {
      const r = parsed as ProbeResult;
      sameSites(r.sites);
      return lca(r.ordering);
    }
    case 'experiments': {
      const r = parsed as ExperimentsResult;
      sameSites(r.sites);
      return lca(r.full.ordering);
    }
    case 'correlation': {
      const r = parsed as CorrelationResult;
      sameSites(r.sites);
      const i = r.models.findIndex((m) => sameModel(m, model));
      if (i < 0) throw new GrainError(`this correlation result does not include the model ${model} (it has ${r.models.join(', ')})`, { file });
      return [{ name: 'cca-top', neurons: Int32Array.from(r.perModel[i].rankingMaxCorr), source: file }];
    }
    default:
      throw new GrainError(`a ${kind.kind} result holds no neuron ordering; give a probe, experiments or correlation result`, { file });
  }
}
