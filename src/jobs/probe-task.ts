import type { ProbeInputs, ProbeSettings } from '../shared/jobs';
import { GrainError } from '../core/errors';
import type { SiteInfo } from '../core/activations';
import { balanceClasses, balanceNegatives, buildLabelIndex, encodeLabels, filterRareClasses, numericTargets, POSITIVE, type LabelledCorpus } from '../core/corpus';
import type { RareClassReport } from '../core/corpus/classes';
import type { ProbeTask } from '../core/experiments';
import { createGemm } from '../core/linalg/gemm';
import { memorySource, sentenceRows, type ActivationSource, type SentencePooling } from '../core/store';
import type { JobContext } from './context';
import { extractToStore, openMatchingActivations } from './activations';
import { asSentences, checkDataFits, readLabelledSplit } from './labelled';

/** How NeuroX's balancing changed the class counts (classNames order). */
export interface BalanceReport {
  trainBefore: number[];
  trainAfter: number[];
  testBefore: number[];
  testAfter: number[];
}

export interface PreparedTask {
  task: ProbeTask;
  kind: 'classification' | 'regression';
  /** Regression: the target of each train and test row (NaN where a row has none). */
  targets?: { train: Float32Array; test: Float32Array };
  sites: SiteInfo[];
  classNames: string[];
  /** Neuron ids the probes use (all, or the chosen layers'). */
  columns?: Int32Array;
  classFilter: RareClassReport;
  /** Test words whose label never occurred in training (or was dropped): counted, not scored. */
  unseenTest: { label: string; count: number }[];
  trainWords: string[];
  testWords: string[];
  trainSource: ActivationSource;
  testSource: ActivationSource;
  description: {
    train: string;
    test: string;
    trainSentences: number;
    testSentences: number;
    trainWords: number;
    testWords: number;
    /** Sentence-level probes: one row per sentence, represented by its first, last or average word. */
    sentenceLevel?: SentencePooling;
    /** A concept's description and how many training words it holds. */
    concept?: { description: string; positive: number; negative: number };
    balance?: BalanceReport;
  };
  extractSeconds: number;
  close(): Promise<void>;
}

/**
 * Everything a probe needs, from the user's files: labelled train/test sentences, their
 * word-level activations (extracted into `dir`, or brought by the user), class indices after
 * rare-class filtering, and one Gemm for every product.
 */
export async function prepareProbeTask(inputs: ProbeInputs, settings: ProbeSettings, dir: string, ctx: JobContext): Promise<PreparedTask> {
  const kind = settings.task ?? 'classification';
  checkDataFits(inputs.data, kind, { balance: settings.balance });
  const split = await readLabelledSplit(inputs.data);
  const labels = kind === 'regression' ? regressionLabels(split.train, split.test) : classLabels(split.train, split.test, settings, ctx);
  const balance = settings.balance && labels.y ? balanceParts(labels.y.train, labels.y.test, labels.classes, split.concept !== undefined, settings.seed, ctx) : undefined;

  const words = await activationsFor(inputs, split.train, split.test, dir, ctx);
  const pooling = inputs.data.kind === 'sentences' ? inputs.data.representation : undefined;
  const { train, test } = pooling ? pooled(words.train, words.test, pooling, ctx.signal) : words;
  if (train.neurons !== test.neurons) throw new GrainError(`train activations have ${train.neurons} neurons but test activations ${test.neurons}`);
  const columns = settings.layers ? columnsOf(train.sites, settings.layers) : undefined;
  const gemm = await createGemm({ threads: inputs.threads });
  const yTrain = labels.y?.train ?? new Int32Array(train.rows);
  const yTest = labels.y?.test ?? new Int32Array(test.rows);
  const task: ProbeTask = {
    train,
    yTrain,
    test,
    yTest,
    classes: labels.classes.length,
    classNames: labels.classes,
    gemm,
    neuronOrder: settings.neuronOrder ?? 'mass',
    probe: {
      mode: settings.mode,
      lambdaL1: settings.lambdaL1,
      lambdaL2: settings.lambdaL2,
      epochs: settings.epochs,
      seed: settings.seed,
      signal: ctx.signal,
      // Layer-restricted probes: every probe of this task sees only these neurons.
      ...(columns ? { columns } : {}),
    } as ProbeTask['probe'],
    ...(kind === 'classification' && settings.metric ? { metric: settings.metric } : {}),
  };
  const rows = (y: Int32Array, t?: Float32Array) => (t ? t.reduce((n, v) => n + (Number.isNaN(v) ? 0 : 1), 0) : y.length);
  return {
    task,
    kind,
    ...(labels.targets ? { targets: labels.targets } : {}),
    sites: train.sites,
    classNames: labels.classes,
    columns,
    classFilter: labels.classFilter,
    unseenTest: labels.unseenTest,
    trainWords: split.train.sentences.flat(),
    testWords: split.test.sentences.flat(),
    trainSource: train,
    testSource: test,
    description: {
      train: split.train.source,
      test: split.testFrom,
      trainSentences: split.train.sentences.length,
      testSentences: split.test.sentences.length,
      trainWords: rows(yTrain, labels.targets?.train),
      testWords: rows(yTest, labels.targets?.test),
      ...(pooling ? { sentenceLevel: pooling } : {}),
      ...(split.concept ? { concept: split.concept } : {}),
      ...(balance ? { balance } : {}),
    },
    extractSeconds: words.seconds,
    async close() {
      train.close();
      if (test !== train) test.close();
      await gemm.dispose();
    },
  };
}

interface Labels {
  classes: string[];
  /** Classification: class index per row (-1 = not scored). */
  y?: { train: Int32Array; test: Int32Array };
  /** Regression: target per row. */
  targets?: { train: Float32Array; test: Float32Array };
  classFilter: RareClassReport;
  unseenTest: { label: string; count: number }[];
}

/** Class indices after rare-class filtering; test labels unseen in training are counted and left out. */
function classLabels(train: LabelledCorpus, test: LabelledCorpus, settings: ProbeSettings, ctx: JobContext): Labels {
  const filtered = filterRareClasses(train.labels, { minCount: settings.minCount, mode: settings.rare });
  const index = buildLabelIndex(filtered.labels, filtered.keep);
  if (index.classes.length < 2) throw new GrainError(`the training labels hold ${index.classes.length} class; a probe needs at least two`, { file: train.source });
  const yTrain = encodeLabels(filtered.labels, index, filtered.keep).y;
  const encodedTest = encodeLabels(mapRare(test.labels, filtered.report), index);
  if (encodedTest.unseen > 0) ctx.warn(`${encodedTest.unseen} test ${test.level === 'sentence' ? 'sentence' : 'word'}(s) have labels the probe never saw in training; they are counted and left out of the scores`);
  return {
    classes: index.classes,
    y: { train: yTrain, test: encodedTest.y },
    classFilter: filtered.report,
    unseenTest: [...encodedTest.unseenLabels].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count),
  };
}

/** Regression: the labels as numbers; the probe's one output is named 'target'. */
function regressionLabels(train: LabelledCorpus, test: LabelledCorpus): Labels {
  return {
    classes: ['target'],
    targets: { train: numericTargets(train), test: numericTargets(test) },
    classFilter: { kept: [], dropped: [], mode: 'drop' },
    unseenTest: [],
  };
}

/**
 * NeuroX's balancing of each part (rows left out get -1): a concept's negatives cut to its
 * positives, other labels every class to the smallest. A test part with fewer than two classes
 * is scored as it is.
 */
function balanceParts(yTrain: Int32Array, yTest: Int32Array, classes: string[], concept: boolean, seed: number, ctx: JobContext): BalanceReport {
  const positive = classes.indexOf(POSITIVE);
  const balance = (y: Int32Array, s: number) => {
    const b = concept ? balanceNegatives(y, positive, s) : balanceClasses(y, s);
    for (let r = 0; r < y.length; r++) if (!b.keep[r]) y[r] = -1;
    return { before: pad(b.before, classes.length), after: pad(b.after, classes.length) };
  };
  const train = balance(yTrain, seed);
  const present = new Set(Array.from(yTest).filter((c) => c >= 0)).size;
  let test: { before: number[]; after: number[] };
  if (present >= 2) test = balance(yTest, seed + 1);
  else {
    const counts = pad([], classes.length);
    for (const c of yTest) if (c >= 0) counts[c]++;
    test = { before: counts, after: counts };
    ctx.warn(`the test part holds ${present} class; it is scored unbalanced`);
  }
  return { trainBefore: train.before, trainAfter: train.after, testBefore: test.before, testAfter: test.after };
}

function pad(counts: number[], n: number): number[] {
  return Array.from({ length: n }, (_, i) => counts[i] ?? 0);
}

/** Sentence-level rows: each sentence's first, last or average word, in memory; the word-level stores are closed. */
function pooled(train: ActivationSource, test: ActivationSource, pooling: SentencePooling, signal: AbortSignal | undefined) {
  try {
    const a = memorySource(train.format, sentenceRows(train, pooling, signal));
    const b = test === train ? a : memorySource(test.format, sentenceRows(test, pooling, signal));
    return { train: a, test: b };
  } finally {
    train.close();
    if (test !== train) test.close();
  }
}

/** filterRareClasses' default label for merged classes. */
const OTHER = 'OTHER';

/** Test labels of classes that were rare in training, as the training labels were treated. */
function mapRare(labels: string[][], report: RareClassReport): string[][] {
  if (report.dropped.length === 0 || report.mode === 'drop') return labels;
  const rare = new Set(report.dropped.map((d) => d.label));
  return labels.map((s) => s.map((l) => (rare.has(l) ? OTHER : l)));
}

async function activationsFor(inputs: ProbeInputs, train: LabelledCorpus, test: LabelledCorpus, dir: string, ctx: JobContext) {
  if (inputs.activations) {
    if (inputs.layerFilter) throw new GrainError('a layer filter chooses what is extracted; with --activations nothing is');
    const trainSource = await openMatchingActivations(inputs.activations, asSentences(train), ctx);
    if (!inputs.testActivations) {
      throw new GrainError('with --activations, give the test part too (--test-activations), extracted from the test sentences');
    }
    return { train: trainSource, test: await openMatchingActivations(inputs.testActivations, asSentences(test), ctx), seconds: 0 };
  }
  if (!inputs.model) throw new GrainError('give a model (--model) or activation files (--activations)');
  const a = await extractToStore(inputs.model, asSentences(train), inputs, dir, 'train', ctx);
  const b = await extractToStore(inputs.model, asSentences(test), inputs, dir, 'test', ctx);
  return { train: a.source, test: b.source, seconds: a.seconds + b.seconds };
}

/** Neuron ids of the named sites. */
export function columnsOf(sites: SiteInfo[], names: string[]): Int32Array {
  const ids: number[] = [];
  let at = 0;
  const known = new Set(sites.map((s) => s.name));
  for (const n of names) if (!known.has(n)) throw new GrainError(`no site '${n}' in these activations (sites: ${sites.map((s) => s.name).join(', ')})`);
  for (const s of sites) {
    if (names.includes(s.name)) for (let u = 0; u < s.width; u++) ids.push(at + u);
    at += s.width;
  }
  return Int32Array.from(ids);
}
