import { relative } from 'node:path';
import { runJob } from '../../jobs';
import type { InspectJob } from '../../shared/jobs';
import { failed, type InspectReport, type InspectSite } from '../../shared/inspect';
import { GrainError } from '../../core/errors';
import { parseFlags, positiveInt, required } from '../args';
import { cliContext, type Out } from '../context';
import { defaultThreads } from './extract';

export const inspectUsage = `grain inspect --model DIR [--variant NAME] [--json] [--threads N]
  What a model folder holds and how Grain would use it: layout and variants (the default and
  why), tokenizer (type, vocabulary, special tokens, length limit), graph inputs and how Grain
  feeds each, outputs, the sites found and how, their widths from a short run, MLP sites, the
  objective ablation would use, and what is missing. --json prints it as a versioned object
  ("schema": "grain.inspect", "version": 1). Exits 1 when the model cannot be used as it is.`;

export function inspectJobFromArgs(argv: string[]): { job: InspectJob; json: boolean } {
  const f = parseFlags(argv, {
    model: { type: 'string' },
    variant: { type: 'string' },
    json: { type: 'boolean', default: false },
    threads: { type: 'string', default: String(defaultThreads()) },
  });
  return {
    job: { kind: 'inspect', model: required(f, 'model'), variant: (f.variant as string | undefined) || undefined, threads: positiveInt('threads', f.threads as string) },
    json: f.json === true,
  };
}

export async function inspectCommand(argv: string[], out: Out): Promise<void> {
  const { job, json } = inspectJobFromArgs(argv);
  const report = await runJob(job, cliContext(out));
  if (json) out.info(JSON.stringify(report, null, 2));
  else for (const line of formatInspectReport(report)) out.info(line);
  if (!report.usable) {
    throw new GrainError(`this model cannot be used as it is (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}: see "problems" above)`, { file: report.folder.dir });
  }
}

const LABEL = 12;

/** The report as text, one line per fact, labels in a column. */
export function formatInspectReport(r: InspectReport): string[] {
  const lines: string[] = [];
  const put = (label: string, value: string) => lines.push(`${label.padEnd(LABEL)}${value}`);
  const more = (value: string) => lines.push(`${''.padEnd(LABEL)}${value}`);
  /** Several values under one label: the label on the first line only. */
  const list = (label: string, values: string[]) => values.forEach((v, k) => (k === 0 ? put(label, v) : more(v)));
  const rel = (p: string) => relative(r.folder.dir, p) || p;

  const shown = relative(process.cwd(), r.folder.dir);
  put('folder', `${shown && !shown.startsWith('..') ? shown : r.folder.dir} (${r.folder.layout === 'optimum' ? 'optimum layout: the graph at the root' : 'transformers.js layout: graphs in onnx/, tokenizer and config at the root'})`);
  list(
    'variants',
    r.folder.variants.map((v) => {
      const tags = [v.isDefault ? 'default' : '', v.chosen ? 'chosen' : '', v.precision === 'full' ? 'full precision' : v.precision].filter(Boolean);
      const ext = v.externalData.length > 0 ? `, weights in ${v.externalData.join(', ')}` : '';
      return `${v.name} (${v.relative}, ${mb(v.bytes)}, ${tags.join(', ')}${ext})`;
    }),
  );
  if (r.folder.defaultVariant === null) more('no default variant: choose one with --variant NAME');

  const c = r.config;
  const files = r.folder.files;
  if (c.source === 'card') {
    put('config', `${rel(files.config!)}: Grain model card: ${c.kind}, ${c.layerBoundaries?.length} layer boundaries (${c.layerBoundaries?.join(', ')}) of ${c.hiddenSize}${c.parameters ? `, ${c.parameters.toLocaleString('en-US')} parameters` : ''}${c.maxPositions ? `, ${c.maxPositions} positions` : ''}`);
  } else if (c.source === 'hf-config') {
    const parts = [
      `model_type ${c.kind ?? '?'}${c.architectures ? ` (${c.architectures.join(', ')})` : ''}`,
      c.layers !== undefined ? `${c.layers} layers` : 'layers ?',
      c.hiddenSize !== undefined ? `hidden size ${c.hiddenSize}` : 'hidden size ?',
      c.vocabSize !== undefined ? `vocabulary ${c.vocabSize}` : undefined,
      c.maxPositions !== undefined ? `${c.maxPositions} positions` : undefined,
    ].filter(Boolean);
    put('config', `${rel(files.config!)}: Hugging Face config: ${parts.join(', ')}`);
  } else {
    put('config', files.config ? `${rel(files.config)}: not used (see warnings)` : 'none (no config.json)');
  }
  const present = [files.tokenizerConfig, files.specialTokensMap, files.generationConfig, files.card, files.grainConfig].filter((f): f is string => !!f).map(rel);
  if (present.length > 0) more(`also: ${present.join(', ')}`);

  const t = r.tokenizer;
  if (failed(t)) put('tokenizer', `cannot be used: ${t.error}`);
  else {
    put('tokenizer', `${rel(t.file)}: ${t.type}, vocabulary ${t.vocabSize}, max length ${t.maxLength ?? 'none stated'}`);
    more(`special tokens: ${t.special.map((s) => `${s.role} ${s.token}${s.id !== null ? `=${s.id}` : ' (not in the vocabulary)'}`).join(', ') || 'none named'}`);
    more(`around each sentence: ${[...t.template.prefix, '…', ...t.template.suffix].join(' ')}`);
  }

  const g = r.graph;
  if (g === undefined) put('graph', 'not read: no variant chosen');
  else if (failed(g)) put('graph', `cannot be read: ${g.error}`);
  else {
    put('graph', `${rel(g.file)}: ${mb(g.bytes)}, ${g.parameters.toLocaleString('en-US')} parameters, IR ${g.irVersion ?? '?'}, opset ${g.opsets.join(', ')}${g.producer ? `, from ${g.producer}` : ''}`);
    if (g.externalData.length > 0) more(`external weights: ${g.externalData.join(', ')}`);
    for (const n of g.notes) more(`read as: ${n}`);
    list('inputs', g.inputs.map((i) => `${i.name} ${i.type} [${dims(i.dims)}]: ${i.feed !== null ? `fed ${i.feed}` : `cannot be fed: ${i.problem}`}`));
    list('outputs', g.outputs.map((o) => `${o.name} ${o.type} [${dims(o.dims)}]`));
  }

  const s = r.sites;
  if (s !== undefined) {
    if (failed(s)) put('sites', `not found: ${s.error}`);
    else {
      put('sites', `found by ${s.method}: ${s.detail}`);
      for (const site of s.boundaries) more(siteLine(site));
      if (failed(s.mlp)) put('MLP sites', `none: ${s.mlp.error}`);
      else if (s.mlp.length === 0) put('MLP sites', 'none named');
      else {
        put('MLP sites', `${s.mlp.length} (${s.mlp[0].name}-${s.mlp[s.mlp.length - 1].name})`);
        for (const site of s.mlp) more(siteLine(site));
      }
    }
  }
  const run = r.run;
  if (run !== undefined) {
    if (failed(run)) put('run', `failed: ${run.error}`);
    else put('run', `${run.neurons} neurons; right padding ${run.padSafe ? 'leaves the real positions unchanged (mixed lengths share a batch)' : 'changes the real positions (only equal lengths share a batch)'}; ${run.seconds.toFixed(2)} s`);
  }
  const o = r.objective;
  if (o !== undefined) {
    put('objective', o.ablation ? `${o.ablation} (${o.note})` : `ablation cannot run: ${o.note}`);
    for (const out of o.outputs) {
      more(`output ${out.name}: last axis ${out.width ?? '?'} vs tokenizer vocabulary ${out.vocabSize ?? '?'}${out.matchesVocab ? ' (equal)' : ''}`);
    }
  }
  list('missing', r.missing);
  list('warnings', r.warnings);
  list('problems', r.problems);
  put('usable', r.usable ? 'yes' : 'no');
  return lines;
}

function siteLine(s: InspectSite): string {
  const layout = s.layout === 'bsh' ? '[batch, seq, units]' : s.layout === 'sbh' ? '[seq, batch, units]' : '';
  return `  ${s.name.padEnd(11)} ${String(s.width ?? '?').padStart(5)}  ${layout.padEnd(20)} ${s.tensor}`;
}

function dims(d: (number | string | null)[]): string {
  return d.map((x) => (x === null ? '?' : String(x))).join(', ');
}

function mb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}
