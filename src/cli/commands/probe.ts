import { conlluColumn } from '../../core/corpus';
import { DEFAULTS } from '../../shared/defaults';
import { runJob } from '../../jobs';
import { join } from 'node:path';
import { EXPERIMENTS, type ExperimentJob, type ExperimentName, type LabelledData, type ProbeInputs, type ProbeJob, type ProbeSettings } from '../../shared/jobs';
import { GrainError } from '../../core/errors';
import { finiteNumber, modelFlag, oneOf, parseFlags, positiveInt, required, UsageError, type FlagSpec, threadCount } from '../args';
import { cliContext, type Out } from '../context';
import { defaultThreads } from './extract';

export const dataUsage = `  Labelled data, one of:
    --input FILE --labels FILE [--test-input FILE --test-labels FILE]   NeuroX's sentence + label files
    --conllu FILE [--test-conllu FILE] [--column upos|xpos|feats|feats:NAME]
    --brown [--tagset normalized|universal|raw] [--train-sentences N] [--test-sentences N] [--split FILE]
  Activations: --model DIR [--variant NAME] (extracted here, --aggregation first|last|average, --sites layers|mlp|all)
    or --activations FILE --test-activations FILE (any format Grain reads, one row per word).
  Probe: [--mode default|neurox] [--l1 1e-5] [--l2 1e-5] [--epochs N] [--layers layer1,layer2]
    [--min-count K --rare drop|other] [--seed N] [--top 0.5]`;

export const probeUsage = `grain probe <labelled data> <activations> --out result.json [--control] [probe options]
  Trains an elastic-net logistic-regression probe, evaluates it (accuracy, per class, macro-F1,
  confusion, majority baseline; --control adds the control task and selectivity) and ranks neurons.
${dataUsage}`;

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
  out: { type: 'string' },
};

export type Flags = Record<string, string | boolean | undefined>;

/** The models/ folder next to the built CLI (dist/..) holds brown-split.json. */
export function defaultBrownSplit(): string {
  return join(__dirname, '..', 'models', 'brown-split.json');
}

function labelledData(f: Flags): LabelledData {
  const given = [f.input !== undefined, f.conllu !== undefined, f.brown === true].filter(Boolean).length;
  if (given !== 1) throw new UsageError('give exactly one labelled data source: --input/--labels, --conllu or --brown');
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

export function probeInputs(f: Flags): ProbeInputs {
  if ((f.model === undefined) === (f.activations === undefined)) throw new UsageError('give --model DIR or --activations FILE (not both)');
  return {
    data: labelledData(f),
    model: modelFlag(f),
    activations: f.activations as string | undefined,
    testActivations: f['test-activations'] as string | undefined,
    aggregation: oneOf('aggregation', f.aggregation as string, ['first', 'last', 'average'] as const),
    sites: oneOf('sites', f.sites as string, ['layers', 'mlp', 'all'] as const),
    batchSize: positiveInt('batch', f.batch as string),
    threads: threadCount(f.threads as string),
  };
}

export function probeSettings(f: Flags): ProbeSettings {
  return {
    mode: oneOf('mode', f.mode as string, ['default', 'neurox'] as const),
    lambdaL1: finiteNumber('l1', f.l1 as string, 0, 10),
    lambdaL2: finiteNumber('l2', f.l2 as string, 0, 10),
    epochs: f.epochs ? positiveInt('epochs', f.epochs as string) : undefined,
    layers: f.layers ? (f.layers as string).split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    minCount: positiveInt('min-count', f['min-count'] as string),
    rare: oneOf('rare', f.rare as string, ['drop', 'other'] as const),
    seed: Math.trunc(finiteNumber('seed', f.seed as string, 0, 2 ** 31)),
  };
}

function topPercentage(f: Flags): number {
  const v = finiteNumber('top', f.top as string, 0, 1);
  if (v <= 0) throw new GrainError('--top is a share of weight mass in (0, 1], e.g. 0.5');
  return v;
}

export function probeJobFromArgs(argv: string[]): ProbeJob {
  const f = parseFlags(argv, { ...common, control: { type: 'boolean', default: false } }) as Flags;
  return { kind: 'probe', ...probeInputs(f), probe: probeSettings(f), control: f.control === true, topPercentage: topPercentage(f), out: required(f, 'out') };
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
  return {
    kind: 'experiment',
    ...probeInputs(f),
    probe: probeSettings(f),
    ranking: f.ranking as string | undefined,
    experiments,
    percents,
    tolerance: finiteNumber('tolerance', f.tolerance as string, 0, 1),
    topPercentage: topPercentage(f),
    out: required(f, 'out'),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export async function probeCommand(argv: string[], out: Out): Promise<void> {
  const job = probeJobFromArgs(argv);
  const r = await runJob(job, cliContext(out));
  out.info(`${r.classes.length} classes, ${r.train.rows} train / ${r.test.rows} test words, ${r.neurons} neurons`);
  out.info(`train accuracy ${pct(r.train.accuracy)}, test accuracy ${pct(r.test.accuracy)} (majority baseline ${pct(r.test.majorityBaseline)}), macro-F1 ${r.test.macroF1.toFixed(3)}`);
  if (r.control) out.info(`control task accuracy ${pct(r.control.controlAccuracy)}, selectivity ${pct(r.control.selectivity)}`);
  out.info(`top neurons: ${r.ordering.slice(0, 10).join(', ')}; per site ${r.sites.map((s, i) => `${s.name} ${r.topBySite[i]}`).join(', ')}`);
  out.info(`trained in ${r.timings.trainSeconds.toFixed(2)} s at ${r.timings.gflops.toFixed(1)} GFLOP/s; wrote ${job.out}`);
}

export async function experimentCommand(argv: string[], out: Out): Promise<void> {
  const job = experimentJobFromArgs(argv);
  const r = await runJob(job, cliContext(out));
  out.info(`full probe: ${pct(r.full.accuracy)} on ${r.full.neurons} neurons`);
  if (r.ranking) out.info(`neurons ordered by ${r.ranking.methodName} (${r.ranking.path})`);
  for (const row of r.subsets?.rows ?? []) out.info(`retrain ${row.percent}% (${row.count}): top ${pct(row.top)}, random ${pct(row.random)}, bottom ${pct(row.bottom)}`);
  for (const row of r.zeroOut?.rows ?? []) out.info(`zero-out keep ${row.percent}%: top ${pct(row.top)}, random ${pct(row.random)}, bottom ${pct(row.bottom)}`);
  if (r.minimal) out.info(`minimal subset: ${r.minimal.count} neurons reach ${pct(r.minimal.accuracy)} (target ${pct(r.minimal.target)})`);
  for (const l of r.layerwise?.sites ?? []) out.info(`layer ${l.site}: ${pct(l.accuracy)}`);
  if (r.control) out.info(`selectivity ${pct(r.control.selectivity)}`);
  out.info(`wrote ${job.out} in ${r.timings.totalSeconds.toFixed(1)} s`);
}
