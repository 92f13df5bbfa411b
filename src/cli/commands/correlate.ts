import { DEFAULTS } from '../../shared/defaults';
import { runJob } from '../../jobs';
import type { CorrelateJob } from '../../shared/jobs';
import { layerFilterFlags, oneOf, parseFlags, positiveInt, required, threadCount, UsageError } from '../args';
import { cliContext, type Out } from '../context';
import { defaultThreads } from './extract';

export const correlateUsage = `grain correlate --models DIR1,DIR2[,...] --input FILE --out result.json
                [--activations F1,F2[,...]] [--aggregation first|last|average] [--sites layers|mlp|all]
                [--layers LIST | --ignore-embeddings]
  Cross-model correlation: every neuron of each model against every neuron of the others over the
  same text; MaxCorr/MinCorr per neuron, rankings, per-layer summaries and linear CKA between layers.
  With --activations, the given activation files (one per model, extracted from FILE) are used.
  --layers (site names or NeuroX layer indices) and --ignore-embeddings choose the layers extracted,
  as grain extract's.`;

export function correlateJobFromArgs(argv: string[]): CorrelateJob {
  const f = parseFlags(argv, {
    models: { type: 'string' },
    activations: { type: 'string' },
    input: { type: 'string' },
    out: { type: 'string' },
    aggregation: { type: 'string', default: DEFAULTS.aggregation },
    sites: { type: 'string', default: DEFAULTS.sites },
    batch: { type: 'string', default: String(DEFAULTS.batchSize) },
    threads: { type: 'string', default: String(defaultThreads()) },
    layers: { type: 'string' },
    'ignore-embeddings': { type: 'boolean', default: false },
  });
  const activations = typeof f.activations === 'string' ? splitList(f.activations) : undefined;
  return {
    kind: 'correlate',
    models: activations && typeof f.models !== 'string' ? activations : splitList(required(f, 'models')),
    activations,
    input: required(f, 'input'),
    out: required(f, 'out'),
    aggregation: oneOf('aggregation', f.aggregation as string, ['first', 'last', 'average'] as const),
    sites: oneOf('sites', f.sites as string, ['layers', 'mlp', 'all'] as const),
    layerFilter: noFilterWithFiles(layerFilterFlags(f), activations),
    batchSize: positiveInt('batch', f.batch as string),
    threads: threadCount(f.threads as string),
  };
}

function noFilterWithFiles<T>(filter: T | undefined, activations: string[] | undefined): T | undefined {
  if (filter && activations) throw new UsageError('--layers and --ignore-embeddings choose what is extracted; with --activations nothing is');
  return filter;
}

function splitList(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
}

export async function correlateCommand(argv: string[], out: Out): Promise<void> {
  const job = correlateJobFromArgs(argv);
  const r = await runJob(job, cliContext(out));
  for (const m of r.perModel) {
    const top = Array.from(m.rankingMaxCorr.slice(0, 5), (n) => `${n} (${m.maxCorr[n].toFixed(3)})`).join(', ');
    out.info(`${m.name}: top MaxCorr neurons ${top}; ${m.sites.map((s) => `${s.site} mean MaxCorr ${s.meanMaxCorr.toFixed(3)}`).join(', ')}`);
  }
  out.info(`correlated ${r.models.length} models x ${r.neurons} neurons over ${r.rows} words in ${r.timings.correlateSeconds.toFixed(2)} s; wrote ${job.out}`);
}
