import { DEFAULTS } from '../../shared/defaults';
import { runJob } from '../../jobs';
import type { AblateJob } from '../../shared/jobs';
import { parseMaskSyntax } from '../../core/ablate';
import type { AblationObjective, AblationPoint, AnyAblationResult, LmObjectiveName } from '../../shared/results';
import { finiteNumber, oneOf, parseFlags, positiveInt, required, requiredModel, UsageError, VARIANT_USAGE, threadCount } from '../args';
import { cliContext, type Out } from '../context';
import { defaultThreads } from './extract';

export const ablateUsage = `grain ablate --model DIR [--variant NAME] --input FILE --out result.json
             [--mask SPEC]... [--curve --orderings FILE[,FILE...] [--percents 0,5,...,50] [--random-draws 5] [--seed 1]]
             [--objective causal|masked|representation] [--max-sentences N] [--sites layers|mlp|all]
  Zeroes neurons inside the model and measures what it loses on FILE. With the LM's logits (an
  output whose last dimension is the tokenizer's vocabulary): causal LMs, mean next-token NLL and
  perplexity; masked LMs, NLL at seeded masked positions. Without them (an encoder exported for
  features): representation, how far the last layer boundary moves at every token (mean squared
  change, mean cosine to the unablated vectors; curves plot mean 1 - cosine). --objective forces
  one. SPEC names a site and units, e.g. layer1:0-49 or embeddings:0,2,4 or layer1:0-49;layer2:3.
  --curve ablates the first k% of each ordering: a probe result gives lca-top and bottom, a
  correlation result cca-top, a ranking result (grain rank) <method>-top; random is drawn.
${VARIANT_USAGE}`;

export function ablateJobFromArgs(argv: string[]): AblateJob {
  const f = parseFlags(argv, {
    model: { type: 'string' },
    variant: { type: 'string' },
    input: { type: 'string' },
    out: { type: 'string' },
    mask: { type: 'string', multiple: true },
    curve: { type: 'boolean', default: false },
    orderings: { type: 'string', multiple: true },
    percents: { type: 'string', default: DEFAULTS.ablation.percents.join(',') },
    'random-draws': { type: 'string', default: String(DEFAULTS.ablation.randomDraws) },
    seed: { type: 'string', default: String(DEFAULTS.ablation.seed) },
    'max-sentences': { type: 'string' },
    objective: { type: 'string' },
    sites: { type: 'string', default: DEFAULTS.sites },
    batch: { type: 'string', default: String(DEFAULTS.batchSize) },
    threads: { type: 'string', default: String(defaultThreads()) },
  }) as Record<string, string | boolean | string[] | undefined>;
  const list = (v: unknown) => ((v as string[] | undefined) ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const masks = ((f.mask as string[] | undefined) ?? []).map((s) => s.trim()).filter(Boolean);
  const orderingFiles = list(f.orderings);
  if (!f.curve && orderingFiles.length > 0) throw new UsageError('--orderings goes with --curve');
  if (!f.curve && masks.length === 0) throw new UsageError('give --mask SPEC (one or more) or --curve');
  for (const spec of masks) {
    try {
      parseMaskSyntax(spec);
    } catch (e) {
      throw new UsageError(`--mask: ${(e as Error).message}`);
    }
  }
  return {
    kind: 'ablate',
    model: requiredModel(f as Record<string, unknown>),
    input: required(f as Record<string, unknown>, 'input'),
    out: required(f as Record<string, unknown>, 'out'),
    masks,
    curve: f.curve
      ? {
          orderingFiles,
          percents: list([f.percents as string]).map((p) => finiteNumber('percents', p, 0, 100)),
          randomDraws: Math.trunc(finiteNumber('random-draws', f['random-draws'] as string, 0, 1000)),
          seed: Math.trunc(finiteNumber('seed', f.seed as string, 0, 2 ** 31)),
        }
      : undefined,
    maxSentences: f['max-sentences'] ? positiveInt('max-sentences', f['max-sentences'] as string) : undefined,
    objective: f.objective !== undefined ? oneOf('objective', f.objective as string, ['causal', 'masked', 'representation'] as const) : undefined,
    sites: oneOf('sites', f.sites as string, ['layers', 'mlp', 'all'] as const),
    batchSize: positiveInt('batch', f.batch as string),
    threads: threadCount(f.threads as string),
  };
}

export async function ablateCommand(argv: string[], out: Out): Promise<void> {
  const job = ablateJobFromArgs(argv);
  const r = await runJob(job, cliContext(out));
  for (const line of describeAblation(r)) out.info(line);
  out.info(`wrote ${job.out} in ${r.timings.seconds.toFixed(1)} s`);
}

/** What `grain ablate` measured, in words: the objective and why, the baseline, each mask and curve. */
export function describeAblation(r: AnyAblationResult): string[] {
  const lines: string[] = [];
  const curveLines = (fmt: (p: AblationPoint<AblationObjective>) => string) => {
    if (!r.curve) return;
    lines.push(`curves, ${r.metric.name}${r.metric.unit ? ` (${r.metric.unit})` : ''} with k% of the neurons zeroed (higher is worse):`);
    for (const c of r.curve.curves) lines.push(`  ${c.name.padEnd(8)} ${(c.points as AblationPoint<AblationObjective>[]).map((p) => `${p.percent.toFixed(0)}%:${fmt(p)}`).join(' ')}`);
  };
  if (r.objective === 'representation') {
    const site = r.compared ? `${r.compared.name} (${r.compared.width} units)` : 'the last layer boundary';
    lines.push(`representation objective, no LM loss: ${r.objectiveReason ?? 'asked for'}`);
    lines.push(
      `measuring how zeroed neurons move ${site}, the last layer boundary, against the unablated model at ${r.baseline.tokens} token positions of ${r.sentences} sentences`,
    );
    if (r.compared && r.sites.some((s) => s.name === r.compared!.name)) {
      lines.push(`  (${r.compared.name} is also an ablation site: zeroing its own units moves it directly, as expected)`);
    }
    for (const m of r.masks) {
      lines.push(`ablate ${m.spec} (${m.units} units): mean squared change ${m.meanSquaredChange.toPrecision(6)}, mean cosine ${m.meanCosine.toFixed(6)} (1 - cosine ${m.cosineDistance.toFixed(6)})`);
    }
    curveLines((p) => (p as AblationPoint<'representation'>).cosineDistance.toFixed(4));
    return lines;
  }
  const nll = (x: number) => x.toFixed(6);
  const what = r.objective === 'causal-lm' ? 'next-token loss (causal LM)' : 'masked-token loss (masked LM)';
  const tokens = r.objective === 'causal-lm' ? 'predicted tokens' : `masked tokens (${((r.masking?.rate ?? 0) * 100).toFixed(0)}% of word positions, seed ${r.masking?.seed})`;
  if (r.objectiveReason) lines.push(`${what}: ${r.objectiveReason}`);
  lines.push(`${what} on ${r.sentences} sentences, ${r.baseline.tokens} ${tokens}: mean NLL ${nll(r.baseline.meanNll)} (perplexity ${r.baseline.perplexity.toFixed(2)})`);
  for (const m of r.masks) lines.push(`ablate ${m.spec} (${m.units} units): mean NLL ${nll(m.meanNll)} (${m.delta >= 0 ? '+' : ''}${m.delta.toFixed(6)})`);
  curveLines((p) => (p as AblationPoint<LmObjectiveName>).meanNll.toFixed(3));
  return lines;
}
