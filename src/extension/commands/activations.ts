// An extracted activation file (.grain in .grain/activations/, listed in Datasets): what it holds
// (model, sites, sentences, rows) and what can be done with it next: probe its text with labels,
// correlate its model with others on the same text, or open one of its sentences as a heat map.
import * as vscode from 'vscode';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { GrainStoreReader } from '../../core/store';
import { splitLines, splitWords } from '../../core/text/words';
import { makeTempDir } from '../../core/io/temp';
import { modelDisplayName } from '../../core/model/folder';
import type { CommandContext } from './context';
import { resultPathOf } from '../command-args';
import { checkModelFolder, formatBytes } from '../known-models';
import { pathRoots, showError } from '../notify';
import { displayPath } from '../error-text';
import { correlateCommand, pickLabelFile, runProbe } from './analysis';

/** What the summary says about a store, read from its header and index (no activations). */
export interface ActivationFacts {
  path: string;
  model?: string;
  input?: string;
  aggregation?: string;
  subword: boolean;
  sites: { name: string; width: number }[];
  neurons: number;
  rows: number;
  sentences: number;
  dtype: string;
  bytes: number;
  /** Each sentence's words, from the stored tokens. */
  words: string[][];
}

export function readActivationFacts(path: string): ActivationFacts {
  const r = GrainStoreReader.open(path);
  try {
    const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
    const words = Array.from({ length: r.sentences }, (_, i) => r.tokens.slice(r.sentenceOffsets[i], r.sentenceOffsets[i + 1]));
    return {
      path,
      model: text(r.meta.model),
      input: text(r.meta.input),
      aggregation: text(r.meta.aggregation),
      subword: r.meta.subword === true,
      sites: r.sites.map((s) => ({ name: s.name, width: s.width })),
      neurons: r.neurons,
      rows: r.rows,
      sentences: r.sentences,
      dtype: r.dtype,
      bytes: statSync(path).size,
      words,
    };
  } finally {
    r.close();
  }
}

const PROBE = 'Probe with Labels...';
const CORRELATE = 'Correlate with Other Models...';
const SENTENCE = 'Open a Sentence as a Heat Map...';

/** Grain: Show Activation File: a summary of the file and its next steps. */
export async function showActivations(ctx: CommandContext, arg?: unknown): Promise<void> {
  const path = resultPathOf(arg) ?? (await pickActivationFile(ctx));
  if (!path) return;
  if (extname(path).toLowerCase() !== '.grain') {
    void vscode.window.showInformationMessage(`Grain: ${basename(path)} is a NeuroX activation file (${formatBytes(statSync(path).size)}); the CLI reads it (grain probe --activations).`);
    return;
  }
  let facts: ActivationFacts;
  try {
    facts = readActivationFacts(path);
  } catch (e) {
    void showError(e, { what: 'Reading the activation file', log: ctx.log });
    return;
  }
  const model = facts.model ? modelDisplayName(facts.model) : 'an unknown model';
  const text = facts.input ? (existsSync(facts.input) ? vscode.workspace.asRelativePath(facts.input) : `${vscode.workspace.asRelativePath(facts.input)} (no longer there)`) : 'not recorded';
  const detail = [
    `Model: ${model}${facts.model ? ` (${displayPath(facts.model, pathRoots())})` : ''}`,
    `Text: ${text}`,
    `Sentences: ${facts.sentences.toLocaleString('en-US')}`,
    `Rows: ${facts.rows.toLocaleString('en-US')} ${facts.subword ? 'subword pieces' : 'words'}${facts.aggregation && !facts.subword ? ` (${facts.aggregation} subword of each word)` : ''}`,
    `Neurons: ${facts.neurons.toLocaleString('en-US')} in ${facts.sites.map((s) => `${s.name} ${s.width}`).join(', ')}`,
    `Stored: ${facts.dtype}, ${formatBytes(facts.bytes)}`,
  ].join('\n');
  ctx.log.info(`activation file ${path}:\n${detail}`);
  const choice = await vscode.window.showInformationMessage(
    `${basename(path)}: ${model}, ${facts.sentences.toLocaleString('en-US')} sentence${facts.sentences === 1 ? '' : 's'}, ${facts.rows.toLocaleString('en-US')} ${facts.subword ? 'pieces' : 'words'} × ${facts.neurons.toLocaleString('en-US')} neurons`,
    { modal: true, detail },
    PROBE,
    CORRELATE,
    SENTENCE,
  );
  if (choice === PROBE) await probeWithLabels(ctx, facts);
  else if (choice === CORRELATE) await correlateText(ctx, facts);
  else if (choice === SENTENCE) await openSentence(ctx, facts);
}

async function pickActivationFile(ctx: CommandContext): Promise<string | undefined> {
  const files = ctx.services.results.listActivations();
  if (files.length === 0) {
    void vscode.window.showInformationMessage('Grain: no extracted activations yet: Extract Activations for Current File (or for a Corpus) saves them in .grain/activations/.');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(
    files.map((f) => ({ label: f.name, description: formatBytes(f.size), path: f.path })),
    { title: 'Grain: an activation file' },
  );
  return pick?.path;
}

/** The model of the file, made current, or why it cannot be. */
function useModelOf(ctx: CommandContext, facts: ActivationFacts): string | undefined {
  if (!facts.model) {
    void showError({ message: 'the file does not say which model it was extracted with', file: facts.path });
    return undefined;
  }
  const checked = checkModelFolder(facts.model);
  if ('error' in checked) {
    void showError({ message: `its model cannot be used here: ${checked.reason}`, file: facts.path });
    return undefined;
  }
  ctx.state.setModel(facts.model);
  return facts.model;
}

/** The text the activations were extracted from: the recorded file, or its words written to a temp file. */
function textOf(facts: ActivationFacts): { path: string; dispose?: () => void } | undefined {
  if (facts.input && existsSync(facts.input)) return { path: facts.input };
  if (facts.subword) return undefined;
  const dir = makeTempDir('text');
  const path = join(dir.path, `${basename(facts.path, '.grain')}.txt`);
  writeFileSync(path, facts.words.map((w) => w.join(' ')).join('\n') + '\n');
  return { path, dispose: dir.dispose };
}

async function probeWithLabels(ctx: CommandContext, facts: ActivationFacts): Promise<void> {
  if (!(await ctx.requireTrust('Run Probe'))) return;
  const text = textOf(facts);
  if (!text) {
    void showError({ message: 'the text these subword activations came from is gone; probe the text itself (Run Probe on a Labelled Corpus)', file: facts.path });
    return;
  }
  try {
    const model = useModelOf(ctx, facts);
    if (!model) return;
    const labels = await pickLabelFile(basename(text.path));
    if (!labels) return;
    ctx.log.info(`probe from ${facts.path}: ${text.path} with labels ${labels} on ${model} (the activations are extracted again for the train/test split)`);
    const out = await runProbe(ctx, model, { kind: 'pair', input: text.path, labels }, basename(text.path, extname(text.path)));
    if (out) await ctx.openReport(out);
  } finally {
    text.dispose?.();
  }
}

async function correlateText(ctx: CommandContext, facts: ActivationFacts): Promise<void> {
  const text = textOf(facts);
  if (!text) {
    void showError({ message: 'the text these subword activations came from is gone; correlate on the text itself (Correlate Models)', file: facts.path });
    return;
  }
  try {
    await correlateCommand(ctx, { input: text.path, include: facts.model });
  } finally {
    text.dispose?.();
  }
}

async function openSentence(ctx: CommandContext, facts: ActivationFacts): Promise<void> {
  if (facts.sentences === 0) return;
  const listed = facts.words.slice(0, 1000);
  const pick = await vscode.window.showQuickPick(
    listed.map((w, i) => ({ label: `${i + 1}`, description: w.join(' ').slice(0, 200), index: i })),
    { title: `Grain: a sentence of ${basename(facts.path)} to see as a heat map`, matchOnDescription: true, placeHolder: facts.sentences > listed.length ? `The first ${listed.length} of ${facts.sentences} sentences` : undefined },
  );
  if (!pick) return;
  if (!useModelOf(ctx, facts)) return;
  const words = facts.words[pick.index]!;
  // Its line in the text when the text is still there, so edits and hovers work on the file itself.
  const line = facts.input && existsSync(facts.input) ? lineOf(facts.input, words) : undefined;
  if (facts.input && line !== undefined) {
    const at = new vscode.Position(line, 0);
    await vscode.window.showTextDocument(vscode.Uri.file(facts.input), { selection: new vscode.Range(at, at), preview: false });
  } else {
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: words.join(' ') + '\n' });
    await vscode.window.showTextDocument(doc, { preview: false });
  }
  await vscode.commands.executeCommand('grain.heatmap.focus');
  if (!ctx.state.neuron) {
    void vscode.window.showInformationMessage('Grain: select a neuron to colour the sentence (Show Neuron..., the Neurons view or a report).', 'Show Neuron...').then((c) => {
      if (c) void vscode.commands.executeCommand('grain.showNeuron');
    });
  }
}

/** The 0-based line of a text whose words are `words`, if any (files up to 20 MB). */
function lineOf(path: string, words: string[]): number | undefined {
  if (statSync(path).size > 20_000_000) return undefined;
  const want = words.join('\u0000');
  const i = splitLines(readFileSync(path, 'utf8')).findIndex((l) => splitWords(l).join('\u0000') === want);
  return i >= 0 ? i : undefined;
}
