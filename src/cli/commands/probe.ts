import { conlluColumn } from '../../core/corpus';
import { DEFAULTS } from '../../shared/defaults';
import { runJob } from '../../jobs';
import { join } from 'node:path';
import {
  EXPERIMENTS,
  type AnnotateJob,
  type ConceptData,
  type ConceptSpec,
  type ExperimentJob,
  type ExperimentName,
  type LabelledData,
  type ProbeInputs,
  type ProbeJob,
  type ProbeSettings,
  type WordLabelledData,
} from '../../shared/jobs';
import { isRegression, metricLabel, probeSummary, type ProbeResult } from '../../shared/results';
import { CLASSIFICATION_METRICS, METRICS, REGRESSION_METRICS, isRegressionMetric } from '../../core/probe/metrics';
import { GrainError } from '../../core/errors';
import { finiteNumber, modelFlag, oneOf, parseFlags, positiveInt, required, UsageError, type FlagSpec, threadCount } from '../args';
import { cliContext, type Out } from '../context';
import { checkDataFits } from '../../jobs/labelled';
import { defaultThreads } from './extract';

const textUsage = `  Labelled data, one of:
    --input FILE --labels FILE [--test-input FILE --test-labels FILE]   NeuroX's sentence + label files
    --conllu FILE [--test-conllu FILE] [--column upos|xpos|feats|feats:NAME]
    --brown [--tagset normalized|universal|raw] [--train-sentences N] [--test-sentences N] [--split FILE]`;

const conceptUsage = `  A binary concept (NeuroX's annotate: each word 'positive' or 'negative', instead of its label), one of:
    --concept-words FILE   the words listed in FILE (exact, case-sensitive)
    --concept-regex RE     words a regular expression matches from their first character (as re.match: '.*ly$')
    --concept-labels L,L   words whose label is one of these (case-insensitive, 'nn*' for every nn tag)
    over the labelled data above, or over plain text (--input FILE [--test-input FILE], words and regex only).
    --balance              NeuroX's balancing, seeded by --seed (a concept: negatives cut to the positives;
                           other labels: every class cut to the smallest), in the train and test parts each.`;

export const dataUsage = `${textUsage}
  Sentence-level: --sentence-level first|last|average with --input FILE --labels FILE (one label per line,
    the sentence's), the sentence represented by its first, last or average word.
  Regression: --regression: the labels are numbers (one per word, or per sentence with --sentence-level),
    a linear-regression probe (MSE + the same L1/L2), scored by Pearson, Spearman and MSE.
${conceptUsage}
  Activations: --model DIR [--variant NAME] (extracted here, --aggregation first|last|average, --sites layers|mlp|all,
      --ignore-embeddings to leave the embeddings out, as NeuroX's include_embeddings false)
    or --activations FILE --test-activations FILE (any format Grain reads, one row per word).
  Probe: [--mode default|neurox] [--l1 1e-5] [--l2 1e-5] [--epochs N] [--layers layer1,layer2]
    [--min-count K --rare drop|other] [--seed N] [--top 0.5] [--neurox-order]
    [--metric ${METRICS.join('|')}]
      NeuroX's metrics (f1: of the class sorted second, 'positive' for a concept, with two classes; macro above)
    [--control-sampling same|uniform] [--control-ignore-case]   the control task's labels and word types
  Ranking: NeuroX's chunks (1% steps of each class's weight mass); inside a chunk the neuron that
    enters at the smallest share of a class's mass comes first. --neurox-order keeps NeuroX's own
    sequence inside a chunk (ascending neuron id).`;

export const probeUsage = `grain probe <labelled data> <activations> --out result.json [--control] [probe options]
  Trains an elastic-net logistic-regression probe (or, --regression, a linear regression), evaluates
  it (accuracy, per class, macro-F1, confusion, majority baseline, the --metric; --control adds the
  control task and selectivity) and ranks neurons.
${dataUsage}`;

export const annotateUsage = `grain annotate <text> <concept> --out labels.txt [--words-out words.txt] [--balance] [--seed N]
  Writes a binary concept as NeuroX label files: one line of 'positive'/'negative' per sentence
  (NeuroX's load_data reads it with the same sentences; --words-out writes them), or, with
  --balance, NeuroX annotate's layout: one word per line, the positive words, then as many negative
  ones drawn at random (seeded), labels in --out and the words in --words-out (required).
  Text: --input FILE (plain sentences, or with --labels FILE), --conllu FILE [--column ...],
  --brown [--tagset ...] [--train-sentences N] [--split FILE] (the training part).
${conceptUsage.split('\n').slice(0, 5).join('\n')}`;

export const experimentUsage = `grain experiment <labelled data> <activations> --out result.json
                 [--run subsets,zero-out,minimal,localization,exclusivity,layerwise,top-words,control]
                 [--percents 10,15,20] [--tolerance 0.01] [--ranking RANKING.json]
  The paper's experiments on one probing task (all of them by default). --ranking: the subsets,
  zero-out, minimal subset and top words follow that ranking's ordering (grain rank, or a probe
  result) instead of the full probe's; it must rank these activations.
${dataUsage}`;

export const common: FlagSpec = {
  input: { type: 'string' },
  labels: { type: 'string' },
  'test-input': { type: 'string' },
  'test-labels': { type: 'string' },
  conllu: { type: 'string' },
  'test-conllu': { type: 'string' },
  column: { type: 'string', default: 'upos' },
  brown: { type: 'boolean', default: false },
  tagset: { type: 'string', default: DEFAULTS.brown.tagset },
  'train-sentences': { type: 'string' },
  'test-sentences': { type: 'string' },
  split: { type: 'string' },
  model: { type: 'string' },
  variant: { type: 'string' },
  activations: { type: 'string' },
  'test-activations': { type: 'string' },
  aggregation: { type: 'string', default: DEFAULTS.aggregation },
  sites: { type: 'string', default: DEFAULTS.sites },
  batch: { type: 'string', default: String(DEFAULTS.batchSize) },
  threads: { type: 'string', default: String(defaultThreads()) },
  mode: { type: 'string', default: DEFAULTS.probe.mode },
  l1: { type: 'string', default: String(DEFAULTS.probe.lambdaL1) },
  l2: { type: 'string', default: String(DEFAULTS.probe.lambdaL2) },
  epochs: { type: 'string' },
  layers: { type: 'string' },
  'min-count': { type: 'string', default: String(DEFAULTS.probe.minCount) },
  rare: { type: 'string', default: DEFAULTS.probe.rare },
  seed: { type: 'string', default: String(DEFAULTS.probe.seed) },
  top: { type: 'string', default: String(DEFAULTS.topPercentage) },
  'neurox-order': { type: 'boolean', default: false },
  'ignore-embeddings': { type: 'boolean', default: false },
  out: { type: 'string' },
  'concept-words': { type: 'string' },
  'concept-regex': { type: 'string' },
  'concept-labels': { type: 'string' },
  balance: { type: 'boolean', default: false },
  'sentence-level': { type: 'string' },
  regression: { type: 'boolean', default: false },
  metric: { type: 'string' },
  'control-sampling': { type: 'string', default: 'same' },
  'control-ignore-case': { type: 'boolean', default: false },
};

export type Flags = Record<string, string | boolean | undefined>;

/** The models/ folder next to the built CLI (dist/..) holds brown-split.json. */
export function defaultBrownSplit(): string {
  return join(__dirname, '..', 'models', 'brown-split.json');
}

/** --concept-words, --concept-regex or --concept-labels, when one is given. */
function conceptSpec(f: Flags): ConceptSpec | undefined {
  const given = (['concept-words', 'concept-regex', 'concept-labels'] as const).filter((k) => f[k] !== undefined);
  if (given.length > 1) throw new UsageError(`give one concept: ${given.map((k) => `--${k}`).join(' and ')} were both given`);
  if (f['concept-words'] !== undefined) return { kind: 'words', file: required(f, 'concept-words') };
  if (f['concept-regex'] !== undefined) return { kind: 'regex', pattern: required(f, 'concept-regex') };
  if (f['concept-labels'] !== undefined) {
    const labels = (f['concept-labels'] as string).split(',').map((l) => l.trim()).filter(Boolean);
    if (labels.length === 0) throw new UsageError('--concept-labels needs labels, e.g. nn,nns or nn*');
    return { kind: 'labels', labels };
  }
  return undefined;
}

function wordData(f: Flags): WordLabelledData {
  if (f.brown === true) {
    return {
      kind: 'brown',
      split: (f.split as string | undefined) ?? defaultBrownSplit(),
      tagset: oneOf('tagset', f.tagset as string, ['normalized', 'universal', 'raw'] as const),
      trainSentences: f['train-sentences'] ? positiveInt('train-sentences', f['train-sentences'] as string) : undefined,
      testSentences: f['test-sentences'] ? positiveInt('test-sentences', f['test-sentences'] as string) : undefined,
    };
  }
  if (f.conllu !== undefined) {
    const column = conlluColumn(f.column as string);
    if (!column) throw new UsageError(`--column must be upos, xpos, feats or feats:NAME (got '${f.column as string}')`);
    return { kind: 'conllu', train: f.conllu as string, test: f['test-conllu'] as string | undefined, column };
  }
  if ((f['test-input'] === undefined) !== (f['test-labels'] === undefined)) throw new UsageError('--test-input and --test-labels go together');
  return {
    kind: 'pair',
    input: required(f, 'input'),
    labels: required(f, 'labels'),
    testInput: f['test-input'] as string | undefined,
    testLabels: f['test-labels'] as string | undefined,
  };
}

function labelledData(f: Flags): LabelledData {
  const given = [f.input !== undefined, f.conllu !== undefined, f.brown === true].filter(Boolean).length;
  if (given !== 1) throw new UsageError('give exactly one labelled data source: --input/--labels, --conllu or --brown');
  const concept = conceptSpec(f);
  if (f['sentence-level'] !== undefined) {
    const representation = oneOf('sentence-level', f['sentence-level'] as string, ['first', 'last', 'average'] as const);
    if (concept) throw new UsageError('a concept labels words; --sentence-level takes one label per sentence (--input with --labels)');
    if (f.input === undefined) throw new UsageError('--sentence-level reads --input FILE --labels FILE, one label per line');
    const pair = wordData(f) as Extract<WordLabelledData, { kind: 'pair' }>;
    return { ...pair, kind: 'sentences', representation };
  }
  if (concept) return conceptData(f, concept);
  return wordData(f);
}

function conceptData(f: Flags, concept: ConceptSpec): ConceptData {
  if (f.input !== undefined && f.labels === undefined) {
    if (concept.kind === 'labels') throw new UsageError('--concept-labels picks words by their labels: give --labels FILE with --input (or --conllu, --brown)');
    if (f['test-labels'] !== undefined) throw new UsageError('--test-labels goes with --labels');
    return { kind: 'concept', concept, from: { kind: 'text', input: f.input as string, testInput: f['test-input'] as string | undefined } };
  }
  return { kind: 'concept', concept, from: wordData(f) };
}

export function probeInputs(f: Flags): ProbeInputs {
  return { data: labelledData(f), ...activationInputs(f) };
}

/** Where the activations come from (--model or --activations) and how they are extracted. */
export function activationInputs(f: Flags): Omit<ProbeInputs, 'data'> {
  if ((f.model === undefined) === (f.activations === undefined)) throw new UsageError('give --model DIR or --activations FILE (not both)');
  if (f['ignore-embeddings'] === true && f.activations !== undefined) throw new UsageError('--ignore-embeddings chooses what is extracted; with --activations nothing is (use --layers to probe some layers)');
  return {
    model: modelFlag(f),
    activations: f.activations as string | undefined,
    testActivations: f['test-activations'] as string | undefined,
    aggregation: oneOf('aggregation', f.aggregation as string, ['first', 'last', 'average'] as const),
    sites: oneOf('sites', f.sites as string, ['layers', 'mlp', 'all'] as const),
    // Only the extraction's: the probe's own --layers restricts the probe, not what is extracted.
    layerFilter: f['ignore-embeddings'] === true ? { ignoreEmbeddings: true } : undefined,
    batchSize: positiveInt('batch', f.batch as string),
    threads: threadCount(f.threads as string),
  };
}

export function probeSettings(f: Flags): ProbeSettings {
  const regression = f.regression === true;
  let metric: ProbeSettings['metric'];
  if (f.metric !== undefined) {
    metric = oneOf('metric', f.metric as string, METRICS);
    if (regression !== isRegressionMetric(metric)) {
      const fits = regression ? REGRESSION_METRICS : CLASSIFICATION_METRICS;
      throw new UsageError(`--metric ${metric} scores ${regression ? 'classes; a regression probe' : 'real values; a classifier'} is scored by ${fits.join(', ')}`);
    }
  }
  const sampling = oneOf('control-sampling', f['control-sampling'] as string, ['same', 'uniform'] as const);
  return {
    mode: oneOf('mode', f.mode as string, ['default', 'neurox'] as const),
    lambdaL1: finiteNumber('l1', f.l1 as string, 0, 10),
    lambdaL2: finiteNumber('l2', f.l2 as string, 0, 10),
    epochs: f.epochs ? positiveInt('epochs', f.epochs as string) : undefined,
    layers: f.layers ? (f.layers as string).split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    minCount: positiveInt('min-count', f['min-count'] as string),
    rare: oneOf('rare', f.rare as string, ['drop', 'other'] as const),
    seed: Math.trunc(finiteNumber('seed', f.seed as string, 0, 2 ** 31)),
    neuronOrder: f['neurox-order'] === true ? 'neurox' : 'mass',
    ...(regression ? { task: 'regression' as const } : {}),
    ...(metric ? { metric } : {}),
    ...(f.balance === true ? { balance: true } : {}),
    ...(sampling !== 'same' ? { controlSampling: sampling } : {}),
    ...(f['control-ignore-case'] === true ? { controlCaseSensitive: false } : {}),
  };
}

export function topPercentage(f: Flags): number {
  const v = finiteNumber('top', f.top as string, 0, 1);
  if (v <= 0) throw new UsageError('--top is a share of weight mass in (0, 1], e.g. 0.5');
  return v;
}

export function probeJobFromArgs(argv: string[]): ProbeJob {
  const f = parseFlags(argv, { ...common, control: { type: 'boolean', default: false } }) as Flags;
  if (f.control !== true && (f['control-sampling'] !== 'same' || f['control-ignore-case'] === true)) {
    throw new UsageError('--control-sampling and --control-ignore-case set up the control task: give --control too');
  }
  const job: ProbeJob = { kind: 'probe', ...probeInputs(f), probe: probeSettings(f), control: f.control === true, topPercentage: topPercentage(f), out: required(f, 'out') };
  fits(job.data, job.probe, job.control);
  return job;
}

/** Data and settings that cannot go together are a command-line error (the jobs check it too). */
function fits(data: LabelledData, settings: ProbeSettings, control: boolean): void {
  try {
    checkDataFits(data, settings.task ?? 'classification', { control, balance: settings.balance });
  } catch (e) {
    if (e instanceof GrainError) throw new UsageError(e.message);
    throw e;
  }
}

export function annotateJobFromArgs(argv: string[]): AnnotateJob {
  const pick = ['input', 'labels', 'conllu', 'column', 'brown', 'tagset', 'train-sentences', 'split', 'concept-words', 'concept-regex', 'concept-labels', 'balance', 'seed', 'out'] as const;
  const f = parseFlags(argv, { ...Object.fromEntries(pick.map((k) => [k, common[k]])), 'words-out': { type: 'string' } }) as Flags;
  const concept = conceptSpec(f);
  if (!concept) throw new UsageError('give a concept: --concept-words FILE, --concept-regex RE or --concept-labels L,L');
  const given = [f.input !== undefined, f.conllu !== undefined, f.brown === true].filter(Boolean).length;
  if (given !== 1) throw new UsageError('give exactly one text: --input FILE (with --labels FILE for --concept-labels), --conllu FILE or --brown');
  return {
    kind: 'annotate',
    data: conceptData(f, concept),
    balance: f.balance === true,
    seed: Math.trunc(finiteNumber('seed', f.seed as string, 0, 2 ** 31)),
    out: required(f, 'out'),
    ...(f['words-out'] !== undefined ? { wordsOut: required(f, 'words-out') } : {}),
  };
}

export function experimentJobFromArgs(argv: string[]): ExperimentJob {
  const f = parseFlags(argv, {
    ...common,
    run: { type: 'string', default: EXPERIMENTS.join(',') },
    percents: { type: 'string', default: DEFAULTS.experiments.percents.join(',') },
    tolerance: { type: 'string', default: String(DEFAULTS.experiments.tolerance) },
    ranking: { type: 'string' },
  }) as Flags;
  const experiments = (f.run as string).split(',').map((s) => oneOf('run', s.trim(), EXPERIMENTS as ExperimentName[]));
  const percents = (f.percents as string).split(',').map((s) => finiteNumber('percents', s.trim(), 0, 100));
  const settings = probeSettings(f);
  if (settings.task === 'regression') throw new UsageError("grain experiment compares classifiers' scores; probe real-valued targets with grain probe --regression");
  const inputs = probeInputs(f);
  fits(inputs.data, settings, experiments.includes('control'));
  return {
    kind: 'experiment',
    ...inputs,
    probe: settings,
    ranking: f.ranking as string | undefined,
    experiments,
    percents,
    tolerance: finiteNumber('tolerance', f.tolerance as string, 0, 1),
    topPercentage: topPercentage(f),
    out: required(f, 'out'),
  };
}

const share = (x: number) => `${(100 * x).toFixed(2)}%`;
const pct = share;

export async function probeCommand(argv: string[], out: Out): Promise<void> {
  const job = probeJobFromArgs(argv);
  printProbe(await runJob(job, cliContext(out)), job.out, out);
}

/** What grain probe and grain concept print of a probe result. */
export function printProbe(r: ProbeResult, written: string, out: Out): void {
  const unit = r.data.sentenceLevel ? 'sentences' : 'words';
  const concept = r.data.concept;
  if (concept) out.info(`concept: ${concept.description} (${concept.positive} of ${concept.positive + concept.negative} training words)`);
  const balance = r.data.balance;
  if (balance) {
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const classes = r.classes.map((c, i) => `${c} ${balance.trainBefore[i]}->${balance.trainAfter[i]}`).join(', ');
    out.info(`balanced: ${sum(balance.trainAfter)} of ${sum(balance.trainBefore)} training and ${sum(balance.testAfter)} of ${sum(balance.testBefore)} test ${unit} kept (train: ${classes})`);
  }
  if (isRegression(r)) {
    out.info(`regression probe, ${r.train.rows} train / ${r.test.rows} test ${unit}, ${r.neurons} neurons`);
    const m = r.train.metrics;
    out.info(`train Pearson r ${m.pearson?.toFixed(3) ?? 'undefined'}, MSE ${m.mse.toPrecision(4)}; ${probeSummary(r)}`);
  } else {
    out.info(`${r.classes.length} classes, ${r.train.rows} train / ${r.test.rows} test ${unit}, ${r.neurons} neurons`);
    out.info(`train accuracy ${pct(r.train.accuracy)}, test accuracy ${pct(r.test.accuracy)} (majority baseline ${pct(r.test.majorityBaseline)}), macro-F1 ${r.test.macroF1.toFixed(3)}`);
    const metric = r.settings.metric;
    if (metric && metric !== 'accuracy' && r.test.score !== undefined) out.info(`test ${metricLabel(metric)} ${r.test.score.toFixed(4)}${metric.includes('f1') && r.test.metrics ? ` (F1 ${r.test.metrics.f1Average}${r.test.metrics.positiveClass ? ` of '${r.test.metrics.positiveClass}'` : ''})` : ''}`);
    const label = metric && metric !== 'accuracy' ? metricLabel(metric) : 'accuracy';
    if (r.control) out.info(`control task ${label} ${pct(r.control.controlAccuracy)}, selectivity ${pct(r.control.selectivity)}`);
  }
  out.info(`top neurons: ${r.ordering.slice(0, 10).join(', ')}; per site ${r.sites.map((s, i) => `${s.name} ${r.topBySite[i]}`).join(', ')}`);
  out.info(`trained in ${r.timings.trainSeconds.toFixed(2)} s at ${r.timings.gflops.toFixed(1)} GFLOP/s; wrote ${written}`);
}

export async function annotateCommand(argv: string[], out: Out): Promise<void> {
  const job = annotateJobFromArgs(argv);
  const r = await runJob(job, cliContext(out));
  out.info(`concept: ${r.concept}: ${r.positive} positive, ${r.negative} negative words in ${r.sentences} sentences`);
  out.info(
    r.layout === 'words'
      ? `balanced: wrote ${r.lines} words, one per line (${r.positive} positive), labels to ${r.out} and words to ${r.wordsOut}`
      : `wrote ${r.lines} lines of labels, one per sentence, to ${r.out}${r.wordsOut ? ` and the sentences to ${r.wordsOut}` : ''}`,
  );
}

export async function experimentCommand(argv: string[], out: Out): Promise<void> {
  const job = experimentJobFromArgs(argv);
  const r = await runJob(job, cliContext(out));
  const metric = r.full.metric;
  // Scores are in the task's metric: shares in percent, Matthews' coefficient as it is.
  const pct = (x: number) => (metric === 'matthews_corrcoef' ? x.toFixed(4) : share(x));
  out.info(`full probe: ${pct(r.full.accuracy)}${metric ? ` ${metricLabel(metric)}` : ''} on ${r.full.neurons} neurons`);
  if (r.ranking) out.info(`neurons ordered by ${r.ranking.methodName} (${r.ranking.path})`);
  for (const row of r.subsets?.rows ?? []) out.info(`retrain ${row.percent}% (${row.count}): top ${pct(row.top)}, random ${pct(row.random)}, bottom ${pct(row.bottom)}`);
  for (const row of r.zeroOut?.rows ?? []) out.info(`zero-out keep ${row.percent}%: top ${pct(row.top)}, random ${pct(row.random)}, bottom ${pct(row.bottom)}`);
  if (r.minimal) out.info(`minimal subset: ${r.minimal.count} neurons reach ${pct(r.minimal.accuracy)} (target ${pct(r.minimal.target)})`);
  for (const l of r.layerwise?.sites ?? []) out.info(`layer ${l.site}: ${pct(l.accuracy)}`);
  if (r.control) out.info(`selectivity ${pct(r.control.selectivity)}`);
  out.info(`wrote ${job.out} in ${r.timings.totalSeconds.toFixed(1)} s`);
}
