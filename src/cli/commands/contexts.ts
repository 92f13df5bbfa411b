import { DEFAULTS } from '../../shared/defaults';
import { runJob } from '../../jobs';
import type { ContextsJob, DescribeJob } from '../../shared/jobs';
import type { ContextsResult } from '../../shared/results';
import { neuronLabel } from '../../shared/neurons';
import { readResult } from '../../results/read';
import { oneOf, parseFlags, positiveInt, required, requiredModel, threadCount, UsageError, VARIANT_USAGE } from '../args';
import { cliContext, type Out } from '../context';
import { defaultThreads } from './extract';

export const contextsUsage = `grain contexts --model DIR [--variant NAME] --input FILE|DIR --out contexts.json
               [--neurons IDS] [--top K] [--aggregation first|last|average] [--sites layers|mlp|all]
               [--batch N] [--threads N] [--force]
  The top and bottom contexts of every neuron (Neuroscope style): the K words (default ${DEFAULTS.contexts.top})
  where each neuron fires most and least over the corpus, with their sentences, activations and
  z-scores; all neurons in one pass. --input is a sentence file or a folder of them (${DEFAULTS.contexts.extensions.join(', ')}
  at any depth). --neurons (ids and ranges: 12,300-310) lists only those. A result already at --out
  for the same model, settings and unchanged corpus is reused (--force recomputes).
${VARIANT_USAGE}`;

export const describeUsage = `grain describe --probe probe.json [--contexts contexts.json] [--neurons IDS] --out descriptions.json
  One line per neuron, no language model: what its top contexts are (words; tags from the probe's
  labelled training data), the probe classes whose top neurons it is among, and how selective it is,
  e.g. "layer2:88: fires on past-tense verbs (VBD 71% of top contexts), top in probe VBD, selective".
  --contexts takes the words from the top contexts over another corpus (grain contexts).`;

/** `12,300-310` -> [12, 300, ..., 310]. */
export function parseNeuronIds(text: string): number[] {
  const ids: number[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new UsageError(`--neurons takes neuron ids and ranges such as 12,300-310 (got '${part}')`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new UsageError(`--neurons range '${part}' runs backwards`);
    if (to - from > 1_000_000) throw new UsageError(`--neurons range '${part}' is too long`);
    for (let n = from; n <= to; n++) ids.push(n);
  }
  return ids;
}

export function contextsJobFromArgs(argv: string[]): ContextsJob {
  const f = parseFlags(argv, {
    model: { type: 'string' },
    variant: { type: 'string' },
    input: { type: 'string' },
    out: { type: 'string' },
    neurons: { type: 'string' },
    top: { type: 'string', default: String(DEFAULTS.contexts.top) },
    aggregation: { type: 'string', default: DEFAULTS.aggregation },
    sites: { type: 'string', default: DEFAULTS.sites },
    batch: { type: 'string', default: String(DEFAULTS.batchSize) },
    threads: { type: 'string', default: String(defaultThreads()) },
    force: { type: 'boolean', default: false },
  });
  return {
    kind: 'contexts',
    model: requiredModel(f),
    input: required(f, 'input'),
    out: required(f, 'out'),
    neurons: typeof f.neurons === 'string' ? parseNeuronIds(f.neurons) : undefined,
    top: positiveInt('top', f.top as string, 10_000),
    aggregation: oneOf('aggregation', f.aggregation as string, ['first', 'last', 'average'] as const),
    sites: oneOf('sites', f.sites as string, ['layers', 'mlp', 'all'] as const),
    batchSize: positiveInt('batch', f.batch as string),
    threads: threadCount(f.threads as string),
    force: f.force === true,
  };
}

export function describeJobFromArgs(argv: string[]): DescribeJob {
  const f = parseFlags(argv, { probe: { type: 'string' }, contexts: { type: 'string' }, neurons: { type: 'string' }, out: { type: 'string' } });
  return {
    kind: 'describe',
    probe: required(f, 'probe'),
    contexts: typeof f.contexts === 'string' ? f.contexts : undefined,
    neurons: typeof f.neurons === 'string' ? parseNeuronIds(f.neurons) : undefined,
    out: required(f, 'out'),
  };
}

/** Neurons whose contexts the CLI prints (a --neurons list this short is shown in full). */
const PRINTED = 5;
const SHOWN_CONTEXTS = 3;
const CONTEXT_WORDS = 6;

export async function contextsCommand(argv: string[], out: Out): Promise<void> {
  const job = contextsJobFromArgs(argv);
  const r = await runJob(job, cliContext(out));
  if (job.neurons && job.neurons.length <= PRINTED) {
    const read = readResult(r.path);
    if (read.kind === 'contexts') for (const n of job.neurons) printNeuron(read.result, n, job.top, out);
  }
  const asked = job.neurons ? new Set(job.neurons).size : r.neurons;
  const what = `top and bottom ${job.top} contexts of ${asked === r.neurons ? `all ${r.neurons}` : `${asked} of ${r.neurons}`} neurons over ${r.rows} words (${r.sentences} sentences${r.files > 1 ? `, ${r.files} files` : ''})`;
  out.info(r.cached ? `${job.out} already holds the ${what}; reused it (--force recomputes)` : `wrote the ${what} to ${job.out} in ${r.seconds.toFixed(2)} s`);
}

function printNeuron(c: ContextsResult, neuron: number, top: number, out: Out): void {
  const n = c.contexts.find((x) => x.neuron === neuron);
  if (!n) return;
  out.info(`${neuronLabel(c.sites, neuron)} (neuron ${neuron}): mean ${n.mean.toFixed(3)}, std ${n.std.toFixed(3)}`);
  for (const [name, list] of [['top', n.top], ['bottom', n.bottom]] as const) {
    for (let i = 0; i < Math.min(SHOWN_CONTEXTS, top, list.value.length); i++) {
      const s = c.sentences[list.sentence[i]];
      const w = list.word[i];
      const left = s.words.slice(Math.max(0, w - CONTEXT_WORDS), w).join(' ');
      const right = s.words.slice(w + 1, w + 1 + CONTEXT_WORDS).join(' ');
      const z = n.std > 0 ? (list.value[i] - n.mean) / n.std : 0;
      out.info(`  ${name} ${i + 1}: ${list.value[i].toFixed(3)} (z ${z >= 0 ? '+' : ''}${z.toFixed(2)})  ${left} [${s.words[w]}] ${right}  (${c.files[s.file]}:${s.line})`);
    }
  }
}

export async function describeCommand(argv: string[], out: Out): Promise<void> {
  const job = describeJobFromArgs(argv);
  const r = await runJob(job, cliContext(out));
  const shown = job.neurons ? r.descriptions : r.descriptions.slice(0, 10);
  for (const d of shown) out.info(`${d.label}: ${d.summary}`);
  out.info(`described ${r.descriptions.length} neurons${shown.length < r.descriptions.length ? ` (the first ${shown.length} in the probe's order above)` : ''}; wrote ${job.out}`);
}
