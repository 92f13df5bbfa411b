import type { ProbeInputs, ProbeSettings } from '../shared/jobs';
import { GrainError } from '../core/errors';
import type { SiteInfo } from '../core/activations';
import { buildLabelIndex, encodeLabels, filterRareClasses, type LabelledCorpus } from '../core/corpus';
import type { RareClassReport } from '../core/corpus/classes';
import type { ProbeTask } from '../core/experiments';
import { createGemm } from '../core/linalg/gemm';
import type { ActivationSource } from '../core/store';
import type { JobContext } from './context';
import { extractToStore, openMatchingActivations } from './activations';
import { asSentences, readLabelledSplit } from './labelled';

export interface PreparedTask {
  task: ProbeTask;
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
  description: { train: string; test: string; trainSentences: number; testSentences: number; trainWords: number; testWords: number };
  extractSeconds: number;
  close(): Promise<void>;
}

/**
 * Everything a probe needs, from the user's files: labelled train/test sentences, their
 * word-level activations (extracted into `dir`, or brought by the user), class indices after
 * rare-class filtering, and one Gemm for every product.
 */
export async function prepareProbeTask(inputs: ProbeInputs, settings: ProbeSettings, dir: string, ctx: JobContext): Promise<PreparedTask> {
  const split = await readLabelledSplit(inputs.data);
  const filtered = filterRareClasses(split.train.labels, { minCount: settings.minCount, mode: settings.rare });
  const index = buildLabelIndex(filtered.labels, filtered.keep);
  if (index.classes.length < 2) throw new GrainError(`the training labels hold ${index.classes.length} class; a probe needs at least two`, { file: split.train.source });
  const yTrain = encodeLabels(filtered.labels, index, filtered.keep).y;
  const testLabels = mapRare(split.test.labels, filtered.report);
  const encodedTest = encodeLabels(testLabels, index);
  if (encodedTest.unseen > 0) ctx.warn(`${encodedTest.unseen} test word(s) have labels the probe never saw in training; they are counted and left out of the scores`);

  const { train, test, seconds } = await activationsFor(inputs, split.train, split.test, dir, ctx);
  if (train.neurons !== test.neurons) throw new GrainError(`train activations have ${train.neurons} neurons but test activations ${test.neurons}`);
  const columns = settings.layers ? columnsOf(train.sites, settings.layers) : undefined;
  const gemm = await createGemm({ threads: inputs.threads });
  const task: ProbeTask = {
    train,
    yTrain,
    test,
    yTest: encodedTest.y,
    classes: index.classes.length,
    classNames: index.classes,
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
  };
  return {
    task,
    sites: train.sites,
    classNames: index.classes,
    columns,
    classFilter: filtered.report,
    unseenTest: [...encodedTest.unseenLabels].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count),
    trainWords: split.train.sentences.flat(),
    testWords: split.test.sentences.flat(),
    trainSource: train,
    testSource: test,
    description: {
      train: split.train.source,
      test: split.testFrom,
      trainSentences: split.train.sentences.length,
      testSentences: split.test.sentences.length,
      trainWords: yTrain.length,
      testWords: encodedTest.y.length,
    },
    extractSeconds: seconds,
    async close() {
      train.close();
      if (test !== train) test.close();
      await gemm.dispose();
    },
  };
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
