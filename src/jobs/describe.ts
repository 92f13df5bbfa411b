import type { DescribeJob } from '../shared/jobs';
import { header, type ContextsResult, type DescriptionsResult, type ProbeResult } from '../shared/results';
import { DEFAULTS } from '../shared/defaults';
import { GRAIN_VERSION } from '../shared/version';
import { GrainError, throwIfAborted } from '../core/errors';
import { TopContextsAccumulator } from '../core/contexts/top-k';
import { countWords, describeNeuron, tagShares, type NeuronDescription, type ProbeClassPlace } from '../core/describe/describe';
import { neuronLabel, type SiteWidth } from '../core/neurons';
import { writeJsonAtomic } from '../core/io/atomic';
import type { ActivationSource } from '../core/store';
import { readResult } from '../results/read';
import type { JobContext } from './context';

/** What a probe says about each neuron: the classes whose top neurons hold it (place and sign), its rank. */
interface ProbeRanks {
  classes: string[];
  perClassTop: Record<string, ArrayLike<number>>;
  rankingWeights: ArrayLike<number>;
  neurons: number;
  ordering: ArrayLike<number>;
}

function probePlaces(p: ProbeRanks): { places: Map<number, ProbeClassPlace[]>; rank: Map<number, number> } {
  const places = new Map<number, ProbeClassPlace[]>();
  p.classes.forEach((className, c) => {
    const top = p.perClassTop[className];
    if (!top) return;
    for (let i = 0; i < top.length; i++) {
      const n = top[i];
      const list = places.get(n) ?? [];
      list.push({ className, rank: i + 1, positive: p.rankingWeights[c * p.neurons + n] >= 0 });
      places.set(n, list);
    }
  });
  const rank = new Map<number, number>();
  for (let i = 0; i < p.ordering.length; i++) rank.set(p.ordering[i], i + 1);
  return { places, rank };
}

/**
 * Descriptions of `neurons` from the probe's own training data: the top contexts of every neuron
 * over the training activations (one streaming pass over the stored rows), their words and gold
 * tags against the tags' rates in the whole training set, and the probe's per-class top lists.
 */
export function trainingDescriptions(
  train: Pick<ActivationSource, 'neurons' | 'chunks'>,
  words: readonly string[],
  labels: Int32Array,
  probe: ProbeRanks & { sites: SiteWidth[] },
  neurons: readonly number[],
  controlSelectivity: number | null,
  signal?: AbortSignal,
): NeuronDescription[] {
  const k = DEFAULTS.describeContexts;
  const acc = new TopContextsAccumulator(k);
  acc.reset(train.neurons);
  for (const chunk of train.chunks(4096)) {
    throwIfAborted(signal);
    acc.addRows(chunk.data, chunk.rows);
  }
  const top = acc.result();
  const counts = new Map<string, number>();
  let labelled = 0;
  for (let r = 0; r < labels.length; r++) {
    if (labels[r] < 0) continue;
    const tag = probe.classes[labels[r]];
    counts.set(tag, (counts.get(tag) ?? 0) + 1);
    labelled++;
  }
  const baseRates = new Map([...counts].map(([tag, n]) => [tag, n / labelled]));
  const { places, rank } = probePlaces(probe);
  return neurons.map((j) => {
    const rows = top.topRows.subarray(j * k, j * k + top.topCount[j]);
    return describeNeuron({
      neuron: j,
      label: neuronLabel(probe.sites, j),
      words: countWords(Array.from(rows, (r) => words[r])),
      contexts: rows.length,
      tags: tagShares(Array.from(rows, (r) => (labels[r] >= 0 ? probe.classes[labels[r]] : null)), baseRates),
      probeClasses: places.get(j) ?? [],
      rank: rank.get(j),
      controlSelectivity,
    });
  });
}

/**
 * `grain describe`: a probe's neurons described again, with the words of a contexts result's top
 * contexts when one is given (a corpus of the user's choice), the probe's stored tag evidence
 * (from its training data) when it has one, its per-class top lists and its control task.
 */
export async function runDescribe(job: DescribeJob, ctx: JobContext): Promise<DescriptionsResult> {
  const probe = readKind(job.probe, 'probe') as ProbeResult;
  const contexts = job.contexts ? (readKind(job.contexts, 'contexts') as ContextsResult) : undefined;
  if (contexts && contexts.neurons !== probe.neurons) {
    throw new GrainError(`these contexts are of ${contexts.neurons} neurons but the probe ${job.probe} has ${probe.neurons}: they are not of the same model and sites`, { file: job.contexts });
  }
  const neurons = job.neurons ?? probe.ordering;
  for (const n of neurons) {
    if (!Number.isInteger(n) || n < 0 || n >= probe.neurons) throw new GrainError(`neuron ${n} does not exist: the probe has neurons 0 to ${probe.neurons - 1}`);
  }
  const stored = new Map((probe.descriptions ?? []).map((d) => [d.neuron, d]));
  const byNeuron = new Map((contexts?.contexts ?? []).map((c) => [c.neuron, c]));
  const topWords = new Map(probe.topWords.map((w) => [w.neuron, w.words]));
  const { places, rank } = probePlaces(probe);
  const controlSelectivity = probe.control?.selectivity ?? null;
  const missing: number[] = [];
  const descriptions = neurons.map((j, i) => {
    if (i % 256 === 0) ctx.progress({ stage: 'describing neurons', done: i, total: neurons.length });
    const before = stored.get(j);
    let words = before?.words ?? (topWords.get(j) ?? []).map((word) => ({ word, count: 1 }));
    let count = before?.contexts ?? 0;
    const c = byNeuron.get(j);
    if (contexts && !c) missing.push(j);
    if (contexts && c) {
      const n = Math.min(c.top.sentence.length, DEFAULTS.describeContexts);
      words = countWords(Array.from({ length: n }, (_, t) => contexts.sentences[c.top.sentence[t]].words[c.top.word[t]]));
      count = n;
    }
    return describeNeuron({
      neuron: j,
      label: neuronLabel(probe.sites, j),
      words,
      contexts: count,
      tags: before?.tags,
      probeClasses: places.get(j) ?? [],
      rank: rank.get(j),
      controlSelectivity,
    });
  });
  if (missing.length > 0) ctx.warn(`${job.contexts} lists no contexts for ${missing.length} of the neurons (e.g. ${missing.slice(0, 5).join(', ')}); they are described without them`);
  if (!probe.descriptions) ctx.warn(`${job.probe} holds no tags of its neurons' top contexts (a probe from an older Grain): the descriptions name words, not tags`);
  const result: DescriptionsResult = {
    ...header('descriptions', GRAIN_VERSION),
    probe: job.probe,
    ...(job.contexts ? { contexts: job.contexts } : {}),
    ...(probe.source.model ? { model: probe.source.model } : {}),
    sites: probe.sites,
    neurons: probe.neurons,
    classes: probe.classes,
    controlSelectivity,
    descriptions,
  };
  writeJsonAtomic(job.out, result);
  return result;
}

function readKind(path: string, kind: 'probe' | 'contexts'): ProbeResult | ContextsResult {
  const r = readResult(path);
  if (r.kind !== kind) throw new GrainError(`this is a ${r.kind} result; give a ${kind} result here`, { file: path });
  return r.result as ProbeResult | ContextsResult;
}
