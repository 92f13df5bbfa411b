import { runJob } from '../../worker/run-job';
import type { AblateJob } from '../../shared/jobs';
import { finiteNumber, oneOf, parseFlags, positiveInt, required, requiredModel, UsageError, VARIANT_USAGE } from '../args';
import { cliContext, type Out } from '../context';
import { defaultThreads } from './extract';

export const ablateUsage = `grain ablate --model DIR [--variant NAME] --input FILE --out result.json
             [--mask SPEC]... [--curve --orderings FILE[,FILE...] [--percents 0,5,...,50] [--random-draws 5] [--seed 1]]
             [--max-sentences N] [--sites layers|mlp|all]
  Zeroes neurons inside the model and measures its loss on FILE (causal LMs: mean next-token NLL
  and perplexity; masked LMs: NLL at seeded masked positions). SPEC names a site and units, e.g.
  layer1:0-49 or embeddings:0,2,4 or layer1:0-49;layer2:3. --curve ablates the first k% of each
  ordering: a probe result gives lca-top and bottom, a correlation result cca-top; random is drawn.
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
    percents: { type: 'string', default: '0,5,10,15,20,25,30,35,40,45,50' },
    'random-draws': { type: 'string', default: '5' },
    seed: { type: 'string', default: '1' },
    'max-sentences': { type: 'string' },
    sites: { type: 'string', default: 'layers' },
    batch: { type: 'string', default: '32' },
    threads: { type: 'string', default: String(defaultThreads()) },
  }) as Record<string, string | boolean | string[] | undefined>;
  const list = (v: unknown) => ((v as string[] | undefined) ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  const masks = ((f.mask as string[] | undefined) ?? []).map((s) => s.trim()).filter(Boolean);
  const orderingFiles = list(f.orderings);
  if (!f.curve && orderingFiles.length > 0) throw new UsageError('--orderings goes with --curve');
  if (!f.curve && masks.length === 0) throw new UsageError('give --mask SPEC (one or more) or --curve');
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
    sites: oneOf('sites', f.sites as string, ['layers', 'mlp', 'all'] as const),
    batchSize: positiveInt('batch', f.batch as string),
    threads: positiveInt('threads', f.threads as string),
  };
}

export async function ablateCommand(argv: string[], out: Out): Promise<void> {
  const job = ablateJobFromArgs(argv);
  const r = await runJob(job, cliContext(out));
  const nll = (x: number) => x.toFixed(6);
  out.info(`${r.objective} on ${r.sentences} sentences, ${r.baseline.tokens} scored tokens: mean NLL ${nll(r.baseline.meanNll)} (perplexity ${r.baseline.perplexity.toFixed(2)})`);
  for (const m of r.masks) out.info(`ablate ${m.spec} (${m.units} units): mean NLL ${nll(m.meanNll)} (${m.delta >= 0 ? '+' : ''}${m.delta.toFixed(6)})`);
  for (const c of r.curve?.curves ?? []) {
    out.info(`${c.name.padEnd(8)} ${c.points.map((p) => `${p.percent.toFixed(0)}%:${p.meanNll.toFixed(3)}`).join(' ')}`);
  }
  out.info(`wrote ${job.out} in ${r.timings.seconds.toFixed(1)} s`);
}
