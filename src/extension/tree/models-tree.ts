// The "Models" view: the bundled demo models, the folders of grain.modelPaths, and the current
// model (marked) even when it is neither; each expands to its card facts. Unusable folders show
// with the reason.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { GrainState } from '../state';
import type { KnownModel } from '../commands/model-folder';

export type ModelNode =
  | { kind: 'model'; model: KnownModel }
  | { kind: 'fact'; label: string; value: string; parent: string };

export class ModelsTree implements vscode.TreeDataProvider<ModelNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private cache: KnownModel[] | undefined;
  private readonly subs: vscode.Disposable[];

  constructor(
    private readonly loadModels: () => KnownModel[],
    private readonly state: GrainState,
    private readonly onLoadError: (message: string) => void,
  ) {
    this.subs = [state.onDidChangeModel(() => this.changed.fire())];
  }

  refresh(): void {
    this.cache = undefined;
    this.changed.fire();
  }

  getChildren(node?: ModelNode): ModelNode[] {
    if (!node) {
      const models = [...this.load()];
      const current = this.state.model;
      if (current && !models.some((m) => m.folder === current)) models.push({ id: basename(current), folder: current, source: 'setting' });
      return models.map((model) => ({ kind: 'model', model }));
    }
    if (node.kind !== 'model' || !node.model.facts) return [];
    const m = node.model.facts;
    const parent = node.model.folder;
    const facts: ModelNode[] = [
      { kind: 'fact', label: 'kind', value: m.kind, parent },
      { kind: 'fact', label: 'hidden size', value: String(m.hiddenSize), parent },
      { kind: 'fact', label: 'layer boundaries', value: m.layerBoundaries.join(', '), parent },
    ];
    if (m.parameters !== undefined) facts.push({ kind: 'fact', label: 'parameters', value: m.parameters.toLocaleString('en-US'), parent });
    if (m.graphInputs) facts.push({ kind: 'fact', label: 'inputs', value: m.graphInputs.join(', '), parent });
    facts.push({ kind: 'fact', label: 'folder', value: parent, parent });
    return facts;
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    if (node.kind === 'fact') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
      item.id = `fact:${node.parent}:${node.label}`;
      item.description = node.value;
      item.tooltip = `${node.label}: ${node.value}`;
      return item;
    }
    const { model } = node;
    const current = model.folder === this.state.model;
    if (!model.facts) {
      const item = new vscode.TreeItem(model.id, vscode.TreeItemCollapsibleState.None);
      item.id = `model:${model.folder}`;
      item.description = current ? 'unusable · current' : 'unusable model folder';
      item.tooltip = model.problem ?? `${model.folder}: not checked`;
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      item.contextValue = 'grain.badModel';
      return item;
    }
    const f = model.facts;
    const item = new vscode.TreeItem(f.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `model:${model.folder}`;
    item.description = `${f.kind} · ${f.layerBoundaries.length} × ${f.hiddenSize}${current ? ' · current' : ''}`;
    item.tooltip = new vscode.MarkdownString(
      `**${f.name}**${current ? ' (current model)' : ''}\n\n${f.kind}, ${f.layerBoundaries.length} layer boundaries of ${f.hiddenSize} neurons\n\n\`${model.folder}\``,
    );
    item.iconPath = current ? new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('charts.green')) : new vscode.ThemeIcon('circuit-board');
    item.contextValue = current ? 'grain.model.current' : 'grain.model';
    return item;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
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
