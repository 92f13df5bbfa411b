import type { AblateJob } from '../shared/jobs';
import { ablationMetric, header, type AblationObjective, type AnyAblationResult, type LossFigures, type RepresentationFigures } from '../shared/results';
import { readResult } from '../results/read';
import { GRAIN_VERSION } from '../shared/version';
import { GrainError } from '../core/errors';
import type { SiteInfo } from '../core/activations';
import { ablatedCount, ablationCurve, countsFromPercents, createEvaluator, openAblationSession, parseMaskSpec, prepareText, type Measurement, type Objective, type Ordering } from '../core/ablate';
import { readSentenceFile } from '../core/text';
import { writeJsonAtomic } from '../core/io/atomic';
import { sameModel } from '../core/model/folder';
import type { JobContext } from './context';

/**
 * In-model ablation: what the model loses (its loss, or without an LM head how far its last layer
 * boundary moves) on a text unablated, under fixed masks, and as curves over how many neurons of
 * each ordering are zeroed. One onnxruntime session serves every run.
 */
export async function runAblate(job: AblateJob, ctx: JobContext): Promise<AnyAblationResult> {
  const started = performance.now();
  const { sentences, lines } = readSentenceFile(job.input);
  const session = await openAblationSession(job.model, { sites: job.sites, threads: job.threads, objective: job.objective });
  try {
    const masks = job.masks.map((spec) => ({ spec, ablation: parseMaskSpec(spec, session.sites) }));
    const orderings = job.curve ? job.curve.orderingFiles.flatMap((f) => orderingsFrom(f, job.model, session.sites)) : [];
    const text = prepareText(session, sentences, { maxSentences: job.maxSentences, file: job.input, lines });
    const evaluator = createEvaluator(session, text);
    const objective = OBJECTIVE_NAMES[session.objective];
    const metric = ablationMetric(objective);
    const total = 1 + masks.length;
    ctx.progress({ stage: 'evaluating the unablated model', done: 0, total });
    const baseline = await evaluator.evaluate(null, { signal: ctx.signal });
    const outcomes: (FileFigures & { spec: string; units: number; delta: number })[] = [];
    for (const [i, m] of masks.entries()) {
      ctx.progress({ stage: `ablating ${m.spec}`, done: i + 1, total });
      const r = await evaluator.evaluate(m.ablation, { signal: ctx.signal });
      outcomes.push({ spec: m.spec, units: ablatedCount(m.ablation), ...figuresOf(r), delta: r.value - baseline.value });
    }
    let curve: { counts: number[]; percents: number[]; randomDraws: number; seed: number; curves: { name: string; source?: string; points: FilePoint[] }[] } | null = null;
    if (job.curve) {
      const counts = countsFromPercents(job.curve.percents, session.neurons);
      const curves = await ablationCurve(session, text, orderings, counts, {
        randomDraws: job.curve.randomDraws,
        seed: job.curve.seed,
        signal: ctx.signal,
        evaluator,
        onProgress: (done, all, label) => ctx.progress({ stage: `ablation curve: ${label}`, done, total: all }),
      });
      const percentOf = (c: number) => (100 * c) / session.neurons;
      const point = (count: number, m: Measurement): FilePoint => ({ count, percent: percentOf(count), ...pointFiguresOf(m) });
      const series: { name: string; source?: string; points: FilePoint[] }[] = curves.series.map((s, i) => ({
        name: s.name,
        source: orderings[i]?.source,
        points: Array.from(curves.counts, (count, k) => point(count, s.points[k])),
      }));
      if (curves.random) {
        const r = curves.random;
        const meanOver = (f: (m: Measurement) => number, k: number) => r.points.reduce((sum, draw) => sum + f(draw[k]), 0) / r.draws;
        series.push({
          name: 'random',
          points: Array.from(curves.counts, (count, k) => ({
            count,
            percent: percentOf(count),
            // The metric's figure is summarized over the draws; the others are their means.
            ...(session.objective === 'representation'
              ? {
                  meanSquaredChange: meanOver((m) => m.representation!.meanSquaredChange, k),
                  meanCosine: meanOver((m) => m.representation!.meanCosine, k),
                  cosineDistance: r.mean[k],
                }
              : { meanNll: r.mean[k], perplexity: Math.exp(r.mean[k]) }),
            std: r.std[k],
            min: r.min[k],
            max: r.max[k],
          })),
        });
      }
      curve = { counts: Array.from(curves.counts), percents: Array.from(curves.counts, percentOf), randomDraws: job.curve.randomDraws, seed: job.curve.seed, curves: series };
    }
    const compared = session.compared;
    // The figures follow session.objective (figuresOf), which is what `objective` names: the one
    // place the union is asserted.
    const result = {
      ...header('ablation', GRAIN_VERSION),
      model: job.model,
      input: job.input,
      objective,
      metric,
      objectiveReason: session.objectiveReason,
      ...(compared ? { compared: { name: compared.name, width: compared.width, tensor: compared.tensor } } : {}),
      sentences: text.sentences,
      sites: session.sites,
      neurons: session.neurons,
      baseline: { ...figuresOf(baseline) },
      masks: outcomes,
      curve,
      masking: text.masked ? { seed: text.masked.seed, rate: text.masked.fraction, positions: text.masked.position.length } : undefined,
      timings: { seconds: (performance.now() - started) / 1000 },
    } as AnyAblationResult;
    writeJsonAtomic(job.out, result);
    return result;
  } finally {
    await session.close();
  }
}

const OBJECTIVE_NAMES: Record<Objective, AblationObjective> = { causal: 'causal-lm', masked: 'masked-lm', representation: 'representation' };

type FileFigures = LossFigures | RepresentationFigures;
type FilePoint = (Omit<LossFigures, 'tokens'> | Omit<RepresentationFigures, 'tokens'>) & { count: number; percent: number; std?: number; min?: number; max?: number };

/** A measurement as the result file holds it. */
function figuresOf(m: Measurement): FileFigures {
  if (m.representation) {
    const r = m.representation;
    return { meanSquaredChange: r.meanSquaredChange, meanCosine: r.meanCosine, cosineDistance: r.cosineDistance, tokens: r.tokens };
  }
  return { meanNll: m.loss!.meanNll, perplexity: m.loss!.perplexity, tokens: m.loss!.tokens };
}

function pointFiguresOf(m: Measurement): Omit<LossFigures, 'tokens'> | Omit<RepresentationFigures, 'tokens'> {
  const { tokens: _tokens, ...rest } = figuresOf(m);
  return rest;
}

type Named = Ordering & { source: string };

/**
 * Orderings a result file offers for `model`: a probe (or experiments) result gives LCA top and
 * its reverse (bottom); a correlation result gives this model's MaxCorr ranking (CCA top).
 */
export function orderingsFrom(file: string, model: string, sites: SiteInfo[]): Named[] {
  const read = readResult(file);
  const sameSites = (theirs: SiteInfo[]) => {
    const a = theirs.map((s) => `${s.name}(${s.width})`).join(', ');
    const b = sites.map((s) => `${s.name}(${s.width})`).join(', ');
    if (a !== b) throw new GrainError(`its neurons are over sites ${a}, but the model's ablation sites are ${b}`, { file });
  };
  const lca = (ordering: number[]): Named[] => [
    { name: 'lca-top', neurons: Int32Array.from(ordering), source: file },
    { name: 'bottom', neurons: Int32Array.from(ordering).reverse(), source: file },
  ];
  switch (read.kind) {
    case 'probe': {
      sameSites(read.result.sites);
      return lca(read.result.ordering);
    }
    case 'experiments': {
      sameSites(read.result.sites);
      return lca(read.result.full.ordering);
    }
    case 'correlation': {
      const r = read.result;
      sameSites(r.sites);
      const i = r.models.findIndex((m) => sameModel(m, model));
      if (i < 0) throw new GrainError(`this correlation result does not include the model ${model} (it has ${r.models.join(', ')})`, { file });
      return [{ name: 'cca-top', neurons: Int32Array.from(r.perModel[i].rankingMaxCorr), source: file }];
    }
    case 'ranking': {
      // Another method's ranking (grain rank): its top neurons first, as `<method>-top`.
      sameSites(read.result.sites);
      return [{ name: `${read.result.method}-top`, neurons: Int32Array.from(read.result.ordering), source: file }];
    }
    default:
      throw new GrainError(`a ${read.kind} result holds no neuron ordering; give a probe, experiments, ranking or correlation result`, { file });
  }
}
