// The "Models" tree in the Grain activity-bar container: the bundled demo models and their
// card facts, and any model folder whose card could not be read (with the reason).
import * as vscode from 'vscode';
import type { ModelFacts, ModelProblem } from '../shared/webview-protocol';
import type { DemoModels } from './demo-models';

type Node =
  | { kind: 'model'; model: ModelFacts }
  | { kind: 'fact'; label: string; value: string }
  | { kind: 'problem'; problem: ModelProblem };

export class ModelsTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private cache: DemoModels | undefined;

  constructor(
    private readonly loadModels: () => DemoModels,
    private readonly onLoadError: (message: string) => void,
  ) {}

  refresh(): void {
    this.cache = undefined;
    this.changed.fire();
  }

  getChildren(node?: Node): Node[] {
    if (!node) {
      const { models, problems } = this.load();
      return [
        ...models.map((model): Node => ({ kind: 'model', model })),
        ...problems.map((problem): Node => ({ kind: 'problem', problem })),
      ];
    }
    if (node.kind !== 'model') return [];
    const m = node.model;
    const facts: Node[] = [
      { kind: 'fact', label: 'kind', value: m.kind },
      { kind: 'fact', label: 'hidden size', value: String(m.hiddenSize) },
      { kind: 'fact', label: 'layer boundaries', value: m.layerBoundaries.join(', ') },
    ];
    if (m.parameters !== undefined) facts.push({ kind: 'fact', label: 'parameters', value: m.parameters.toLocaleString('en-US') });
    if (m.graphInputs) facts.push({ kind: 'fact', label: 'inputs', value: m.graphInputs.join(', ') });
    return facts;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'model': {
        const m = node.model;
        const item = new vscode.TreeItem(m.name, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `model:${m.id}`;
        item.description = `${m.kind} · ${m.layerBoundaries.length} × ${m.hiddenSize}`;
        item.tooltip = `${m.name}: ${m.kind}, ${m.layerBoundaries.length} layer boundaries of ${m.hiddenSize} neurons`;
        item.iconPath = new vscode.ThemeIcon('circuit-board');
        item.contextValue = 'grain.model';
        return item;
      }
      case 'fact': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.description = node.value;
        item.tooltip = `${node.label}: ${node.value}`;
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(node.problem.id, vscode.TreeItemCollapsibleState.None);
        item.description = 'unusable model card';
        item.tooltip = node.problem.message;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        return item;
      }
    }
  }

  private load(): DemoModels {
    if (!this.cache) {
      try {
        this.cache = this.loadModels();
      } catch (err) {
        this.onLoadError(err instanceof Error ? err.message : String(err));
        this.cache = { models: [], problems: [] };
      }
    }
    return this.cache;
  }
}

/** The model a tree command was invoked on, if it was invoked from a model row. */
export function modelIdOf(arg: unknown): string | undefined {
  const node = arg as Node | undefined;
  return node?.kind === 'model' ? node.model.id : undefined;
}
