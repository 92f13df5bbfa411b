import { DEFAULTS } from '../../shared/defaults';
import { runJob } from '../../jobs';
import { cpus } from 'node:os';
import type { ExtractJob } from '../../shared/jobs';
import { layerFilterFlags, oneOf, parseFlags, positiveInt, required, requiredModel, threadCount, UsageError, VARIANT_USAGE, wholeNumber } from '../args';
import { cliContext, type Out } from '../context';

export const extractUsage = `grain extract --model DIR [--variant NAME] --input FILE --out FILE [--format grain|json|hdf5]
              [--aggregation first|last|average] [--subword] [--keep-special]
              [--sites layers|mlp|all] [--layers LIST | --ignore-embeddings] [--decompose-layers]
              [--batch N] [--threads N] [--float16] [--window N] [--window-overlap K]
  Runs the model over FILE (one sentence per line, words split on spaces) and writes every
  neuron of every chosen site for every word (or, with --subword, every input position).
  NeuroX's options: --layers embeddings,layer2 (or NeuroX layer indices 0,2; written in that
  order) is its filter_layers; --ignore-embeddings leaves the embeddings out (include_embeddings
  false; layer 0 is then the first block); --decompose-layers writes one file per layer,
  OUT-layer0.hdf5, OUT-layer1.hdf5, ... (decompose_layers); --float16 is its dtype float16
  (every format; a value beyond float16's range is an error).
  A sentence longer than the window (default: the model's position limit, or 512 tokens for
  models without one) runs as overlapping windows repeating K tokens of left context (default 64).
${VARIANT_USAGE}`;

export function extractJobFromArgs(argv: string[]): ExtractJob {
  const f = parseFlags(argv, {
    model: { type: 'string' },
    variant: { type: 'string' },
    input: { type: 'string' },
    out: { type: 'string' },
    format: { type: 'string', default: '' },
    aggregation: { type: 'string', default: DEFAULTS.aggregation },
    subword: { type: 'boolean', default: false },
    'keep-special': { type: 'boolean', default: false },
    sites: { type: 'string', default: DEFAULTS.sites },
    batch: { type: 'string', default: String(DEFAULTS.batchSize) },
    threads: { type: 'string', default: String(defaultThreads()) },
    float16: { type: 'boolean', default: false },
    layers: { type: 'string' },
    'ignore-embeddings': { type: 'boolean', default: false },
    'decompose-layers': { type: 'boolean', default: false },
    window: { type: 'string' },
    'window-overlap': { type: 'string' },
  });
  const out = required(f, 'out');
  return {
    kind: 'extract',
    model: requiredModel(f),
    input: required(f, 'input'),
    out,
    format: oneOf('format', (f.format as string) || formatFromName(out), ['grain', 'json', 'hdf5'] as const),
    aggregation: oneOf('aggregation', f.aggregation as string, ['first', 'last', 'average'] as const),
    subword: f.subword === true,
    keepSpecial: f['keep-special'] === true,
    sites: oneOf('sites', f.sites as string, ['layers', 'mlp', 'all'] as const),
    batchSize: positiveInt('batch', f.batch as string),
    threads: threadCount(f.threads as string),
    dtype: f.float16 === true ? 'float16' : 'float32',
    layerFilter: layerFilterFlags(f),
    decomposeLayers: f['decompose-layers'] === true,
    window: windowFlags(f),
  };
}

function windowFlags(f: Record<string, unknown>): { size?: number; overlap?: number } {
  const size = f.window ? wholeNumber('window', f.window as string, 8, 1 << 20) : undefined;
  const overlap = f['window-overlap'] ? wholeNumber('window-overlap', f['window-overlap'] as string, 0, 1 << 19) : undefined;
  // Without --window the size is the model's, and the extractor checks the overlap against it.
  if (size !== undefined && overlap !== undefined && overlap >= size / 2) {
    throw new UsageError(`--window-overlap must be below half of --window (${size}), not ${overlap}`);
  }
  return { size, overlap };
}

export function defaultThreads(): number {
  return Math.max(1, cpus().length);
}

/** The format a file name implies: .json/.jsonl NeuroX JSON, .hdf5/.h5 NeuroX HDF5, else Grain's own. */
function formatFromName(path: string): string {
  if (/\.jsonl?$/i.test(path)) return 'json';
  if (/\.(hdf5|h5)$/i.test(path)) return 'hdf5';
  return 'grain';
}

export async function extractCommand(argv: string[], out: Out): Promise<void> {
  const job = extractJobFromArgs(argv);
  const result = await runJob(job, cliContext(out));
  out.info(
    `wrote ${result.rows} rows x ${result.neurons} neurons (${result.sites.map((s) => `${s.name}:${s.width}`).join(' ')}) ` +
      `for ${result.sentences} sentences to ${result.files.join(', ')} [${result.format}] in ${result.seconds.toFixed(2)} s`,
  );
}
