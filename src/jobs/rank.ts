/**
 * grain rank: ranks the neurons of a probing task's activations (prepared as the probe prepares
 * them) by one of the probe-free methods, or by correlation clustering, and writes a ranking
 * result with what the ranked-neurons report draws.
 */
import type { RankJob } from '../shared/jobs';
import { header, type RankingResult, type RankingScore, type RedundancySummary } from '../shared/results';
import { methodTitle } from '../shared/rankings';
import { GRAIN_VERSION } from '../shared/version';
import { DEFAULTS } from '../shared/defaults';
import { countBySite, locateNeuron } from '../core/neurons';
import { writeJsonAtomic } from '../core/io/atomic';
import { loadProbeData, type ProbeData } from '../core/probe/data';
import { evaluatePredictions } from '../core/probe/evaluate';
import { predictSource } from '../core/probe/predict';
import { trainProbe } from '../core/probe/train';
import { topWordsPerNeuron, trainFullProbe } from '../core/experiments';
import { rankingWeights } from '../core/experiments/task';
import { neuronOrdering, topNeurons } from '../core/rank';
import { probelessRanking, type ScoredRanking } from '../core/rank/probeless';
import { iouRanking } from '../core/rank/iou';
import { gaussianRanking } from '../core/rank/gaussian';
import { correlationClusters } from '../core/rank/clustering';
import { topCount } from '../core/rank/agreement';
import type { JobContext } from './context';
import { prepareProbeTask, type PreparedTask } from './probe-task';
import { withTempDir } from './temp';

/** How many of the best neurons get their top words (the report's table). */
const TOP_WORD_NEURONS = 50;
/** The share of the ordering the report's per-site figure counts. */
const TOP_PERCENT = 10;

interface Ranked {
  /** Neuron ids, most important first. */
  ordering: number[];
  /** Per neuron id. */
  scores: (number | null)[];
  score: RankingScore;
  perClassTop: Record<string, number[]> | null;
  perClassRule: string | null;
  extra: Partial<Pick<RankingResult, 'prevalence' | 'gaussian' | 'clustering'>>;
}

export async function runRank(job: RankJob, ctx: JobContext): Promise<RankingResult> {
  const started = performance.now();
  return withTempDir(async (dir) => {
    const p = await prepareProbeTask(job, job.settings.probe, dir, ctx);
    try {
      const { task } = p;
      const t0 = performance.now();
      const data = await loadProbeData(task.train, task.yTrain, { columns: p.columns, classes: task.classes, file: job.activations, signal: ctx.signal });
      const ranked = await rankBy(job, p, data, ctx);
      const rankSeconds = (performance.now() - t0) / 1000;
      const neurons = task.train.neurons;
      const top = ranked.ordering.slice(0, topCount(ranked.ordering.length, TOP_PERCENT));
      ctx.progress({ stage: 'top words of the best neurons', done: 0, total: 1 });
      const result: RankingResult = {
        ...header('ranking', GRAIN_VERSION),
        method: job.method,
        methodName: methodTitle(job.method),
        settings: job.settings,
        data: { ...p.description, classFilter: p.classFilter, unseenTest: p.unseenTest },
        source: { model: job.model, activations: job.activations, aggregation: job.aggregation, sites: job.sites },
        sites: p.sites,
        neurons,
        rankedNeurons: p.columns ? Array.from(p.columns) : null,
        classes: p.classNames,
        ordering: ranked.ordering,
        scores: ranked.scores,
        score: ranked.score,
        perClassTop: ranked.perClassTop,
        perClassRule: ranked.perClassRule,
        topPercent: TOP_PERCENT,
        topBySite: Array.from(countBySite(top, p.sites)),
        topWords: topWordsPerNeuron(p.trainSource, ranked.ordering.slice(0, TOP_WORD_NEURONS), { n: 10 }),
        ...ranked.extra,
        timings: { extractSeconds: p.extractSeconds, rankSeconds, totalSeconds: 0 },
      };
      result.timings.totalSeconds = (performance.now() - started) / 1000;
      writeJsonAtomic(job.out, result);
      return result;
    } finally {
      await p.close();
    }
  });
}

async function rankBy(job: RankJob, p: PreparedTask, data: ProbeData, ctx: JobContext): Promise<Ranked> {
  const s = job.settings;
  const progress = (stage: string) => (done: number, total: number) => ctx.progress({ stage, done, total });
  switch (job.method) {
    case 'probeless': {
      ctx.progress({ stage: 'class means', done: 0, total: 1 });
      const r = await probelessRanking(data, ctx.signal);
      return scored(r, data, p, s.perClassPercent, {
        name: 'class-mean difference',
        unit: '',
        description: 'sum over all pairs of classes of |difference of the class means| of the activation (Antverg & Belinkov; NeuroX probeless)',
      });
    }
    case 'iou': {
      const o = s.iou!;
      const r = await iouRanking(data, { score: o.score, threshold: o.threshold, quantile: o.quantile, signal: ctx.signal, onProgress: progress('average precision per neuron and class') });
      const score: RankingScore =
        o.score === 'ap'
          ? { name: 'average-precision gain', unit: '', description: `best over classes of (AP - p) / (1 - p): the average precision of the activation (|a| < ${o.threshold} as 0) as a detector of the class, over a random neuron's p` }
          : { name: 'IoU', unit: '', description: `best over classes of the intersection over union of the class with the neuron's top ${o.quantile * 100}% of activations` };
      const ranked = scored(r, data, p, s.perClassPercent, score);
      ranked.extra.prevalence = Object.fromEntries(p.classNames.map((c, i) => [c, r.prevalence[i]]));
      return ranked;
    }
    case 'gaussian': {
      const o = s.gaussian!;
      const steps = o.maxNeurons === 'all' ? data.width : (o.maxNeurons ?? Math.ceil((data.width * DEFAULTS.rank.gaussian.greedyPercent) / 100));
      const r = await gaussianRanking(data, {
        maxNeurons: Math.min(steps, data.width),
        maxRows: o.maxRows ?? undefined,
        seed: s.probe.seed,
        signal: ctx.signal,
        onProgress: progress('choosing neurons greedily (Gaussian probe)'),
      });
      for (const l of r.leftOut) ctx.warn(`class ${p.classNames[l.cls]} has ${l.rows} training word; the Gaussian probe leaves it out`);
      const scores = new Array<number | null>(p.task.train.neurons).fill(null);
      r.scores.forEach((v, j) => (scores[data.columns[j]] = Number.isNaN(v) ? null : v));
      return {
        ordering: Array.from(r.ordering, (j) => data.columns[j]),
        scores,
        score: { name: 'mutual information', unit: 'bits', description: "NeuroX's estimate, on the training words the Gaussians were fitted to, of the mutual information between the labels and the Gaussian classifier on the neurons chosen up to and including this one (the neurons after the greedy steps: with this one added to all chosen); it can fall and go below 0 as neurons are added when small classes' Gaussians are too narrow, so it orders neurons rather than measuring the bits they carry" },
        perClassTop: null,
        perClassRule: null,
        extra: {
          gaussian: {
            steps: r.steps.map((st) => ({ neurons: st.neurons, neuron: data.columns[st.column], mutualInformation: st.mutualInformation, accuracy: st.accuracy })),
            evaluationRows: r.evaluationRows,
            entropyBits: r.entropyBits,
            leftOut: r.leftOut.map((l) => ({ label: p.classNames[l.cls], rows: l.rows })),
          },
        },
      };
    }
    case 'clustering':
      return clusteringRanking(job, p, data, ctx);
  }
}

/** A scored method's result in neuron ids, each class's top perClassPercent% of its own ranking. */
function scored(r: ScoredRanking, data: ProbeData, p: PreparedTask, perClassPercent: number, score: RankingScore): Ranked {
  const cols = data.columns;
  const scores = new Array<number | null>(p.task.train.neurons).fill(null);
  r.scores.forEach((v, j) => (scores[cols[j]] = Number.isFinite(v) ? v : null));
  const k = topCount(data.width, perClassPercent);
  const perClassTop: Record<string, number[]> = {};
  p.classNames.forEach((c, i) => {
    const own = r.perClass[i];
    if (own) perClassTop[c] = Array.from(own.subarray(0, k), (j) => cols[j]);
  });
  return { ordering: Array.from(r.ordering, (j) => cols[j]), scores, score, perClassTop, perClassRule: `the top ${perClassPercent}% (${k}) of each class's own ranking`, extra: {} };
}

/**
 * Dalvi et al. 2020: cluster, keep one neuron per cluster, and probe the kept ones. The kept
 * neurons are ordered by that probe (NeuroX's ordering of its scaled weights), the redundant ones
 * after them in the order of the neuron kept for their cluster.
 */
async function clusteringRanking(job: RankJob, p: PreparedTask, data: ProbeData, ctx: JobContext): Promise<Ranked> {
  const { task } = p;
  const o = job.settings.clustering!;
  const n = task.train.neurons;
  ctx.progress({ stage: 'correlating neurons', done: 0, total: 3 });
  const cl = await correlationClusters(data, { threshold: o.threshold, absolute: o.absolute, seed: job.settings.probe.seed, gemm: task.gemm, signal: ctx.signal });
  const cols = data.columns;
  const kept = Array.from(cl.kept, (j) => cols[j]).sort((a, b) => a - b);
  ctx.progress({ stage: `probing the ${kept.length} kept neurons`, done: 1, total: 3 });
  const keptProbe = await trainProbe(task.train, task.yTrain, { ...task.probe, columns: kept, classes: task.classes, gemm: task.gemm });
  const keptEval = evaluatePredictions((await predictSource(keptProbe.model, task.test, { gemm: task.gemm, signal: ctx.signal })).predicted, task.yTest, task.classes);
  ctx.progress({ stage: 'probing all neurons', done: 2, total: 3 });
  const full = (await trainFullProbe(task)).result;
  const weights = rankingWeights(keptProbe.model, keptProbe.columnStd, n);
  const isKept = new Uint8Array(n);
  for (const k of kept) isKept[k] = 1;
  const keptOrder = Array.from(neuronOrdering(weights, task.classes, n, Math.min(100, n)).ordering).filter((k) => isKept[k]);
  const position = new Map(keptOrder.map((k, i) => [k, i]));
  const clusterOf = new Map<number, number>();
  cols.forEach((id, j) => clusterOf.set(id, cl.cluster[j]));
  const keptOfCluster = Array.from(cl.kept, (j) => cols[j]);
  const strength = new Map<number, number>();
  cols.forEach((id, j) => strength.set(id, cl.keptCorrelation[j]));
  const redundant = Array.from(cols).filter((id) => !isKept[id]);
  redundant.sort((a, b) => position.get(keptOfCluster[clusterOf.get(a)!])! - position.get(keptOfCluster[clusterOf.get(b)!])! || strength.get(b)! - strength.get(a)! || a - b);
  const scores = new Array<number | null>(n).fill(null);
  for (const k of kept) {
    let best = 0;
    for (let c = 0; c < task.classes; c++) best = Math.max(best, Math.abs(weights[c * n + k]));
    scores[k] = best;
  }
  const top = topNeurons(weights, task.classes, n, 0.5);
  const perClassTop = Object.fromEntries(p.classNames.map((c, i) => [c, Array.from(top.perClass[i]).filter((k) => isKept[k])]));
  const cluster = new Array<number>(n).fill(-1);
  cols.forEach((id, j) => (cluster[id] = cl.cluster[j]));
  const bySite: RedundancySummary['bySite'] = p.sites.map((s) => ({ site: s.name, neurons: 0, kept: 0, redundant: 0 }));
  for (const id of cols) {
    const at = locateNeuron(p.sites, id)!;
    const row = bySite.find((b) => b.site === at.site)!;
    row.neurons++;
    if (isKept[id]) row.kept++;
    else row.redundant++;
  }
  return {
    ordering: [...keptOrder, ...redundant],
    scores,
    score: { name: 'max |scaled weight| (kept neurons)', unit: '', description: 'for each kept neuron, its largest |probe weight x standard deviation| over the classes in the probe trained on the kept neurons; redundant neurons have none' },
    perClassTop,
    perClassRule: "each class's top neurons at 50% of its weight mass in the probe on the kept neurons",
    extra: {
      clustering: {
        threshold: o.threshold,
        absolute: o.absolute,
        clusters: cl.clusters,
        kept,
        cluster,
        bySite,
        keptProbe: { neurons: kept.length, accuracy: keptEval.accuracy, macroF1: keptEval.macroF1 },
        fullProbe: { neurons: cols.length, accuracy: full.accuracy, macroF1: full.macroF1 },
      },
    },
  };
}
