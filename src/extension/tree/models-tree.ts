// The "Models" view: the bundled demo models, the folders of grain.modelPaths, and the current
// model (marked) even when it is neither. Each folder expands to what it states (Grain's card or
// the Hugging Face config, files, variants) at once, and to what its graph says (inputs and how
// Grain feeds them, outputs, sites and widths, the ablation objective) from an inspect job in
// the worker: never parsed on this thread, and not at all in Restricted Mode. Folders that cannot
// be used show the message the CLI would print.
import * as vscode from 'vscode';
import { statSync } from 'node:fs';
import { failed, type InspectReport } from '../../shared/inspect';
import { modelIdentity } from '../../core/model/folder';
import type { GrainState } from '../state';
import { currentVariantIn, formatBytes, modelSummary, type KnownModel } from '../known-models';
import { splitProblem } from '../error-text';

export type ModelNode =
  | { kind: 'model'; model: KnownModel }
  | { kind: 'fact'; label: string; value: string; parent: string; tone?: 'warning' | 'error' | 'loading' | 'lock'; tooltip?: string };

/** How the view gets graph facts: only through the worker, only in a trusted workspace. */
export interface GraphFacts {
  trusted(): boolean;
  inspect(model: string): Promise<InspectReport>;
}

type Inspection = { state: 'running' } | { state: 'done'; report: InspectReport } | { state: 'failed'; message: string };

export class ModelsTree implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private cache: KnownModel[] | undefined;
  private readonly inspections = new Map<string, Inspection>();
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly loadModels: () => KnownModel[],
    private readonly state: GrainState,
    private readonly onLoadError: (message: string) => void,
    private readonly graph: GraphFacts,
  ) {
    // The current model may be a folder of no list: it is listed while current.
    this.subs = [state.onDidChangeModel(() => this.refresh(false))];
  }

  /** Re-reads the folders; `graphs` also forgets what the graphs said (Refresh Models). */
  refresh(graphs = true): void {
    this.cache = undefined;
    if (graphs) this.inspections.clear();
    this.changed.fire();
  }

  getChildren(node?: ModelNode): ModelNode[] {
    if (!node) return this.load().map((model) => ({ kind: 'model', model }));
    if (node.kind !== 'model') return [];
    const { model } = node;
    if (model.source === 'untrusted') return [];
    if (!model.facts) {
      // What the CLI would print for it, readable without hovering.
      return [
        { kind: 'fact', label: 'cannot be used', value: model.problem ? splitProblem({ message: model.problem }).reason : 'not checked', parent: model.folder, tone: 'error', tooltip: model.problem },
        { kind: 'fact', label: 'folder', value: model.folder, parent: model.folder },
      ];
    }
    return [...this.folderFacts(model), ...this.graphFacts(model)];
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    if (node.kind === 'fact') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.id = `fact:${node.parent}:${node.label}`;
      item.description = node.value;
      item.tooltip = node.tooltip ?? `${node.label}: ${node.value}`;
      if (node.tone === 'warning') item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      if (node.tone === 'error') item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      if (node.tone === 'loading') item.iconPath = new vscode.ThemeIcon('loading~spin');
      if (node.tone === 'lock') item.iconPath = new vscode.ThemeIcon('shield');
      return item;
    }
    const { model } = node;
    if (model.source === 'untrusted') {
      const item = new vscode.TreeItem(model.id, vscode.TreeItemCollapsibleState.None);
      item.id = `model:${model.folder}`;
      item.description = 'needs trust';
      item.tooltip = `${model.folder}\n\nListed in this workspace's grain.modelPaths (${JSON.stringify(model.entry)}). Restricted Mode ignores the workspace's model paths, so Grain has not looked at it; trust the workspace to use it. Click to manage workspace trust.`;
      item.iconPath = new vscode.ThemeIcon('shield');
      item.contextValue = 'grain.untrustedModel';
      item.command = { command: 'workbench.trust.manage', title: 'Manage Workspace Trust' };
      return item;
    }
    const variant = currentVariantIn(model, this.state.model);
    const current = variant !== undefined;
    if (!model.facts) {
      const item = new vscode.TreeItem(model.id, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `model:${model.folder}`;
      item.description = current ? 'unusable · current' : 'unusable model folder';
      item.tooltip = model.problem ?? `${model.folder}: not checked`;
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      item.contextValue = 'grain.badModel';
      return item;
    }
    const f = model.facts;
    // The folder's name, as the status bar and the reports name it; a card's own name is in the tooltip.
    const item = new vscode.TreeItem(model.id, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `model:${model.folder}`;
    const variantNote = variant && variant !== f.defaultVariant ? ` (${variant})` : '';
    item.description = `${modelSummary(f)}${current ? ` · current${variantNote}` : ''}`;
    const from = f.source === 'card' ? "Grain's model card" : f.source === 'hf-config' ? 'the Hugging Face config.json' : 'the folder alone (no config.json)';
    item.tooltip = new vscode.MarkdownString(
      `**${model.id}**${f.name !== model.id ? ` (its card calls it ${f.name})` : ''}${current ? ` (current model${variantNote})` : ''}\n\n${modelSummary(f)}, from ${from}\n\n\`${model.folder}\``,
    );
    item.iconPath = current ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green')) : new vscode.ThemeIcon('circuit-board');
    item.contextValue = current ? 'grain.model.current' : 'grain.model';
    return item;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }

  /** What the folder states, without running anything. */
  private folderFacts(model: KnownModel): ModelNode[] {
    const f = model.facts!;
    const parent = model.folder;
    const out: ModelNode[] = [];
    const fact = (label: string, value: string, tone?: 'warning' | 'error', tooltip?: string) => out.push({ kind: 'fact', label, value, parent, tone, tooltip });
    fact('kind', f.kind ? `${f.kind}${f.architectures ? ` (${f.architectures.join(', ')})` : ''}` : 'not stated (no config.json)');
    if (f.layers !== undefined && f.source !== 'card') {
      fact('blocks', String(f.layers), undefined, `${f.layers} blocks (num_hidden_layers in config.json); Grain records the embeddings and each block's output: ${f.layers + 1} layers of neurons`);
    }
    if (f.hiddenSize !== undefined) fact('hidden size', String(f.hiddenSize));
    if (f.layerBoundaries) fact('layer boundaries', f.layerBoundaries.join(', '));
    else if (f.layers !== undefined) fact('layer boundaries', `embeddings, layer1 … layer${f.layers} (from config.json)`);
    if (f.vocabSize !== undefined) fact('vocabulary', String(f.vocabSize));
    if (f.maxPositions !== undefined) fact('max positions', String(f.maxPositions));
    if (f.parameters !== undefined) fact('parameters', f.parameters.toLocaleString('en-US'));
    if (f.graphInputs) fact('inputs', f.graphInputs.join(', '));
    fact('config', f.source === 'card' ? "config.json: Grain's model card" : f.source === 'hf-config' ? 'config.json: Hugging Face config' : f.files.config ? 'config.json: not used (see the warning)' : 'none');
    fact('layout', f.layout === 'optimum' ? 'optimum export: the graph at the root' : 'transformers.js: graphs in onnx/');
    const current = currentVariantIn(model, this.state.model);
    fact(
      f.variants.length === 1 ? 'model file' : 'variants',
      f.variants
        .map((v) => `${f.variants.length === 1 ? v.relative : v.name} (${[v.isDefault && f.variants.length > 1 ? 'default' : '', v.name === current ? 'current' : '', v.precision === 'full' ? '' : v.precision, formatBytes(v.bytes)].filter(Boolean).join(', ')})`)
        .join(', '),
    );
    if (!f.defaultVariant) fact('default', 'none: Choose Model asks which variant', 'warning');
    if (f.externalData) fact('external weights', f.variants.flatMap((v) => v.externalData).join(', '));
    if (f.missing.length > 0) fact('missing', f.missing.map((m) => m.split(':')[0]).join(', '), undefined, f.missing.join('\n'));
    f.warnings.forEach((w, i) => fact(i === 0 ? 'warning' : `warning ${i + 1}`, w, 'warning'));
    fact('folder', f.dir);
    return out;
  }

  /** What the graph says, from the inspect job (started on first expansion, kept until Refresh). */
  private graphFacts(model: KnownModel): ModelNode[] {
    const parent = model.folder;
    const row = (label: string, value: string, tone?: 'warning' | 'error' | 'loading' | 'lock', tooltip?: string): ModelNode => ({ kind: 'fact', label, value, parent, tone, tooltip });
    if (!this.graph.trusted()) {
      return [row('graph', 'needs workspace trust: Grain reads it by running the model, which Restricted Mode does not allow', 'lock')];
    }
    const target = this.inspectTarget(model);
    const key = inspectionKey(target);
    const found = this.inspections.get(key);
    if (!found) {
      this.inspections.set(key, { state: 'running' });
      this.graph.inspect(target).then(
        (report) => this.inspections.set(key, { state: 'done', report }),
        (err: Error) => this.inspections.set(key, { state: 'failed', message: err.message }),
      ).finally(() => this.changed.fire());
    }
    const now = this.inspections.get(key)!;
    if (now.state === 'running') return [row('graph', 'reading it in the worker…', 'loading')];
    if (now.state === 'failed') return [row('graph', now.message, 'error')];
    return reportRows(now.report, row, model.facts!.missing);
  }

  /** The current variant when the current model is in this folder, else the folder (its default). */
  private inspectTarget(model: KnownModel): string {
    const current = this.state.model;
    return current && currentVariantIn(model, current) !== undefined ? current : model.folder;
  }

  private load(): KnownModel[] {
    if (!this.cache) {
      try {
        this.cache = this.loadModels();
      } catch (err) {
        this.onLoadError(err instanceof Error ? err.message : String(err));
        this.cache = [];
      }
    }
    return this.cache;
  }
}

/** One inspection per model file and its state on disk. */
function inspectionKey(path: string): string {
  const id = modelIdentity(path);
  try {
    const st = statSync(id);
    return `${id}\0${st.size}\0${st.mtimeMs}`;
  } catch {
    return id;
  }
}

type Row = (label: string, value: string, tone?: 'warning' | 'error' | 'loading' | 'lock', tooltip?: string) => ModelNode;

/** The inspect report as fact rows, in the order grain inspect prints them. */
export function reportRows(r: InspectReport, row: Row, knownMissing: readonly string[] = []): ModelNode[] {
  const out: ModelNode[] = [];
  const dims = (d: (number | string | null)[]) => `[${d.map((x) => x ?? '?').join(', ')}]`;
  const t = r.tokenizer;
  if (failed(t)) out.push(row('tokenizer', t.error, 'error'));
  else {
    out.push(row('tokenizer', `${t.type} · vocabulary ${t.vocabSize} · max length ${t.maxLength ?? 'none stated'}`));
    const specials = t.special.map((s) => `${s.role} ${s.token}${s.id !== null ? `=${s.id}` : ''}`).join(', ');
    out.push(row('special tokens', `${[...t.template.prefix, '…', ...t.template.suffix].join(' ')}${specials ? `; ${specials}` : ''}`));
  }
  const g = r.graph;
  if (g === undefined) out.push(row('graph', 'not read: this folder has several graphs and none is the default; Choose Model asks which', 'warning'));
  else if (failed(g)) out.push(row('graph', g.error, 'error'));
  else {
    if (r.config.parameters === undefined) out.push(row('parameters', `${g.parameters.toLocaleString('en-US')} (counted in the graph)`));
    for (const i of g.inputs) {
      out.push(
        i.feed !== null
          ? row(`input ${i.name}`, `${i.type} ${dims(i.dims)} · fed ${i.feed}`)
          : row(`input ${i.name}`, `${i.type} ${dims(i.dims)} · cannot be fed: ${i.problem}`, 'error'),
      );
    }
    for (const o of g.outputs) out.push(row(`output ${o.name}`, `${o.type} ${dims(o.dims)}`));
  }
  const s = r.sites;
  if (s !== undefined) {
    if (failed(s)) out.push(row('sites', s.error, 'error'));
    else {
      out.push(row('sites', `${s.boundaries.length} layer boundaries found by ${s.method}: ${s.detail}`));
      out.push(row('widths', s.boundaries.map((b) => `${b.name} ${b.width ?? '?'}`).join(', '), undefined, s.boundaries.map((b) => `${b.name}: ${b.tensor} (${b.layout ?? '?'})`).join('\n')));
      if (failed(s.mlp)) out.push(row('MLP sites', `none: ${s.mlp.error}`));
      else if (s.mlp.length > 0) out.push(row('MLP sites', `${s.mlp.length} sites × ${s.mlp[0].width ?? '?'} neurons (${s.mlp[0].name}–${s.mlp[s.mlp.length - 1].name})`));
    }
  }
  const run = r.run;
  if (run !== undefined) {
    if (failed(run)) out.push(row('run', run.error, 'error'));
    else out.push(row('padding', run.padSafe ? 'safe: sentences of different lengths share a batch' : 'changes the real positions: only equal lengths share a batch'));
  }
  const missing = r.missing.filter((m) => !knownMissing.includes(m));
  if (missing.length > 0) out.push(row('tokenizer lacks', missing.map((m) => m.split(':')[0]).join(', '), undefined, missing.join('\n')));
  if (r.objective) out.push(r.objective.ablation ? row('ablation objective', `${r.objective.ablation} (${r.objective.note})`) : row('ablation objective', `cannot run: ${r.objective.note}`, 'warning'));
  r.problems.forEach((p, i) => out.push(row(i === 0 ? 'problem' : `problem ${i + 1}`, p, 'error')));
  return out;
}
