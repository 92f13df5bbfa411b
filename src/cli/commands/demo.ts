import { DEFAULTS } from '../../shared/defaults';
import { runJob } from '../../jobs';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXPERIMENTS, type ProbeInputs } from '../../shared/jobs';
import { classifierResult } from '../../shared/results';
import { GrainError } from '../../core/errors';
import { parseFlags, threadCount } from '../args';
import { cliContext, type Out } from '../context';
import { defaultThreads } from './extract';
import { goldenCommand } from './golden';

export const demoUsage = `grain demo [--out DIR] [--threads N]
  The main job on the embedded default: checks every demo model against its golden activations,
  then on brown-lstm-s1 and the Brown corpus (POS tags) trains the probe and ranks neurons (LCA),
  runs the paper's experiments, correlates the three LSTM seeds (CCA), and ablates the top, random
  and bottom neurons inside the model. Results go to DIR (default .grain/demo).`;

/** The demo models ship next to the built CLI: dist/../models. */
function modelsDir(): string {
  const dir = resolve(__dirname, '..', 'models');
  if (!existsSync(join(dir, 'brown-lstm-s1', 'model.onnx'))) throw new GrainError('the demo models are missing', { file: dir });
  return dir;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

export async function demoCommand(argv: string[], out: Out): Promise<void> {
  const f = parseFlags(argv, { out: { type: 'string', default: join('.grain', 'demo') }, threads: { type: 'string', default: String(defaultThreads()) } });
  const dir = resolve(f.out as string);
  const threads = threadCount(f.threads as string);
  mkdirSync(dir, { recursive: true });
  const models = modelsDir();
  const lstm = join(models, 'brown-lstm-s1');
  const text = join(models, 'brown-test-2000.txt');
  const ctx = cliContext(out);
  const started = performance.now();

  out.info('== 1. Extraction: every demo model against its golden activations (torch)');
  for (const m of ['brown-lstm-s1', 'brown-lstm-s2', 'brown-lstm-s3', 'brown-gpt', 'brown-bert']) {
    out.info(`-- ${m}`);
    await goldenCommand(['--model', join(models, m), '--threads', String(threads)], out);
  }

  const inputs = (train: number, test: number, tagset: 'normalized' | 'universal'): ProbeInputs => ({
    data: { kind: 'brown', split: join(models, 'brown-split.json'), tagset, trainSentences: train, testSentences: test },
    model: lstm,
    aggregation: DEFAULTS.aggregation,
    sites: DEFAULTS.sites,
    batchSize: DEFAULTS.batchSize,
    threads,
  });
  const { brown, experiments, ablation } = DEFAULTS;

  out.info('\n== 2. Linguistic correlation analysis: a POS probe on brown-lstm-s1 (5,000 train / 1,000 test Brown sentences)');
  const probePath = join(dir, 'probe-brown-lstm-s1-pos.json');
  const probe = classifierResult(await runJob({ kind: 'probe', ...inputs(brown.trainSentences, brown.testSentences, brown.tagset), probe: DEFAULTS.probe, control: true, topPercentage: DEFAULTS.topPercentage, out: probePath }, ctx));
  out.info(`${probe.classes.length} tags; test accuracy ${pct(probe.test.accuracy)} (majority ${pct(probe.test.majorityBaseline)}), selectivity ${pct(probe.control?.selectivity ?? 0)}; trained in ${probe.timings.trainSeconds.toFixed(1)} s`);
  out.info(`top neurons: ${probe.ordering.slice(0, 10).join(', ')}`);

  out.info('\n== 3. The paper\'s experiments (universal tags, 1,500 / 300 sentences, elastic net 1e-3)');
  const expPath = join(dir, 'experiments-brown-lstm-s1-upos.json');
  const exp = await runJob(
    {
      kind: 'experiment',
      ...inputs(1500, 300, 'universal'),
      probe: { ...DEFAULTS.probe, lambdaL1: experiments.lambdaL1, lambdaL2: experiments.lambdaL2 },
      experiments: [...EXPERIMENTS],
      percents: [...experiments.percents],
      tolerance: experiments.tolerance,
      topPercentage: DEFAULTS.topPercentage,
      out: expPath,
    },
    ctx,
  );
  out.info(`full probe ${pct(exp.full.accuracy)}`);
  for (const r of exp.subsets?.rows ?? []) out.info(`retrained on ${r.percent}%: top ${pct(r.top)}, random ${pct(r.random)}, bottom ${pct(r.bottom)}`);
  for (const r of exp.zeroOut?.rows ?? []) out.info(`others zeroed, keeping ${r.percent}%: top ${pct(r.top)}, random ${pct(r.random)}, bottom ${pct(r.bottom)}`);
  if (exp.minimal) out.info(`minimal subset: ${exp.minimal.count} neurons reach ${pct(exp.minimal.accuracy)}`);

  out.info('\n== 4. Cross-model correlation analysis: the three LSTM seeds over brown-test-2000');
  const corrPath = join(dir, 'correlation-brown-lstm.json');
  const corr = await runJob(
    { kind: 'correlate', models: [1, 2, 3].map((s) => join(models, `brown-lstm-s${s}`)), input: text, out: corrPath, aggregation: DEFAULTS.aggregation, sites: DEFAULTS.sites, batchSize: DEFAULTS.batchSize, threads },
    ctx,
  );
  for (const m of corr.perModel) out.info(`${m.name}: mean MaxCorr per layer ${m.sites.map((s) => `${s.site} ${s.meanMaxCorr.toFixed(3)}`).join(', ')}`);

  out.info('\n== 5. Ablation inside brown-lstm-s1: LCA top, CCA top, random and bottom neurons (first 500 test sentences)');
  const ablPath = join(dir, 'ablation-brown-lstm-s1.json');
  const abl = await runJob(
    {
      kind: 'ablate',
      model: lstm,
      input: text,
      out: ablPath,
      masks: [],
      curve: { orderingFiles: [probePath, corrPath], percents: [...ablation.quick.percents], randomDraws: ablation.quick.randomDraws, seed: ablation.seed },
      maxSentences: ablation.quick.maxSentences,
      sites: DEFAULTS.sites,
      batchSize: DEFAULTS.batchSize,
      threads,
    },
    ctx,
  );
  // brown-lstm-s1 has an LM head: its ablation is a loss.
  if (abl.objective === 'representation') throw new Error(`${lstm}: expected a causal LM, measured ${abl.objective}`);
  out.info(`baseline mean NLL ${abl.baseline.meanNll.toFixed(4)} (perplexity ${abl.baseline.perplexity.toFixed(1)})`);
  for (const c of abl.curve?.curves ?? []) out.info(`${c.name.padEnd(8)} ${c.points.map((p) => `${p.percent.toFixed(0)}%: ${p.meanNll.toFixed(3)}`).join('  ')}`);

  out.info(`\nResults in ${dir} (open them in VS Code with "Grain: Open Report..."); ${((performance.now() - started) / 1000).toFixed(0)} s in all.`);
}
