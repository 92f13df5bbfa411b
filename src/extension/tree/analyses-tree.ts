// The "Analyses" view: saved results in `.grain/`, grouped by kind, newest first; unreadable
// .json files are listed with the reason. Refreshes when the folder changes.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import { RESULT_KINDS, type ResultKind } from '../../shared/results';
import type { ResultsStore, SavedResult, UnreadableResult } from '../results-store';
import type { GrainState } from '../state';

const ICONS: Record<ResultKind, string> = { probe: 'graph', experiments: 'beaker', correlation: 'git-compare', ablation: 'graph-line', contexts: 'list-flat', descriptions: 'note', ranking: 'list-ordered', agreement: 'law' };

export type AnalysisNode =
  | { kind: 'group'; resultKind: ResultKind; results: SavedResult[] }
  | { kind: 'unreadableGroup'; files: UnreadableResult[] }
  | { kind: 'result'; result: SavedResult }
  | { kind: 'unreadable'; file: UnreadableResult };

/** The group titles of the Analyses view. */
const KIND_TITLES: Record<ResultKind, string> = {
  probe: 'Probes (ranked neurons)',
  experiments: 'Experiments',
  correlation: 'Cross-model correlations',
  ablation: 'Ablation curves',
  contexts: 'Top contexts',
  descriptions: 'Neuron descriptions',
  ranking: 'Rankings (other methods)',
  agreement: 'Ranking agreement',
};

export class AnalysesTree implements vscode.TreeDataProvider<AnalysisNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: { dispose(): void }[];

  constructor(private readonly store: ResultsStore, private readonly state: GrainState, private readonly onError: (message: string) => void) {
    this.subs = [store.onDidChange(() => this.changed.fire()), state.onDidChangeProbe(() => this.changed.fire())];
  }

  refresh(): void {
    this.changed.fire();
  }

  getChildren(node?: AnalysisNode): AnalysisNode[] {
    if (!node) {
      let listing;
      try {
        listing = this.store.list();
      } catch (err) {
        this.onError(`cannot list ${this.store.dir}: ${(err as Error).message}`);
        return [];
      }
      const groups: AnalysisNode[] = RESULT_KINDS.map((k) => ({ kind: 'group' as const, resultKind: k, results: listing.results.filter((r) => r.kind === k) })).filter((g) => g.results.length > 0);
      if (listing.unreadable.length > 0) groups.push({ kind: 'unreadableGroup', files: listing.unreadable });
      return groups;
    }
    if (node.kind === 'group') return node.results.map((result) => ({ kind: 'result', result }));
    if (node.kind === 'unreadableGroup') return node.files.map((file) => ({ kind: 'unreadable', file }));
    return [];
  }

  getTreeItem(node: AnalysisNode): vscode.TreeItem {
    switch (node.kind) {
      case 'group': {
        const item = new vscode.TreeItem(KIND_TITLES[node.resultKind], vscode.TreeItemCollapsibleState.Expanded);
        item.id = `group:${node.resultKind}`;
        item.description = String(node.results.length);
        item.iconPath = new vscode.ThemeIcon(ICONS[node.resultKind]);
        return item;
      }
      case 'unreadableGroup': {
        const item = new vscode.TreeItem('Unreadable files', vscode.TreeItemCollapsibleState.Collapsed);
        item.id = 'group:unreadable';
        item.description = String(node.files.length);
        item.iconPath = new vscode.ThemeIcon('warning');
        return item;
      }
      case 'result': {
        const r = node.result;
        const current = this.state.probePath === r.path;
        const item = new vscode.TreeItem(r.name, vscode.TreeItemCollapsibleState.None);
        item.id = `result:${r.path}`;
        const when = r.createdAt ? r.createdAt.replace('T', ' ').slice(0, 16) : new Date(r.mtimeMs).toISOString().replace('T', ' ').slice(0, 16);
        item.description = `${current ? 'current probe · ' : ''}${when}`;
        item.tooltip = new vscode.MarkdownString(
          `**${r.name}** (${r.kind})\n\n${r.models.length ? `models: ${r.models.map((m) => basename(m)).join(', ')}\n\n` : ''}${r.data.length ? `data: ${r.data.join('; ').slice(0, 200)}\n\n` : ''}\`${r.path}\``,
        );
        item.iconPath = new vscode.ThemeIcon(current ? 'pass-filled' : ICONS[r.kind]);
        item.resourceUri = vscode.Uri.file(r.path);
        item.contextValue = `grain.result.${r.kind}`;
        item.command = { command: 'grain.openReport', title: 'Open Report', arguments: [node] };
        return item;
      }
      case 'unreadable': {
        const item = new vscode.TreeItem(node.file.name, vscode.TreeItemCollapsibleState.None);
        item.id = `unreadable:${node.file.path}`;
        item.description = node.file.error;
        item.tooltip = `${node.file.path}: ${node.file.error}`;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        item.resourceUri = vscode.Uri.file(node.file.path);
        item.contextValue = 'grain.unreadable';
        item.command = { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(node.file.path)] };
        return item;
      }
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}
