// The "Neurons" view: the current probe's top neurons, per class
// (perClassTop) and per layer (sites). Selecting a neuron sets state.neuron, which the
// editor turns into decorations.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { ProbeResult } from '../../shared/results';
import type { GrainState } from '../state';
import { locateNeuron, neuronTitle } from '../../shared/neurons';

/** Neurons listed per group; the full order is in the report. */
const PER_GROUP = 25;

export type NeuronNode =
  | { kind: 'section'; section: 'top' | 'classes' | 'layers' }
  | { kind: 'class'; label: string; neurons: number[] }
  | { kind: 'site'; site: string; neurons: number[] }
  | { kind: 'neuron'; neuron: number; parent: string; rank?: number };

export class NeuronsTree implements vscode.TreeDataProvider<NeuronNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly state: GrainState) {
    this.subs = [state.onDidChangeProbe(() => this.changed.fire()), state.onDidChangeNeuron(() => this.changed.fire())];
  }

  private get probe(): ProbeResult | undefined {
    return this.state.probe?.result;
  }

  getChildren(node?: NeuronNode): NeuronNode[] {
    const p = this.probe;
    if (!p) return [];
    if (!node) return [{ kind: 'section', section: 'top' }, { kind: 'section', section: 'classes' }, { kind: 'section', section: 'layers' }];
    const rankOf = new Map(p.ordering.map((n, i) => [n, i + 1]));
    const neurons = (ids: number[], parent: string): NeuronNode[] => ids.slice(0, PER_GROUP).map((neuron) => ({ kind: 'neuron', neuron, parent, rank: rankOf.get(neuron) }));
    switch (node.kind) {
      case 'section':
        if (node.section === 'top') return neurons(p.ordering, 'top');
        if (node.section === 'classes') return p.classes.filter((c) => p.perClassTop[c]).map((c) => ({ kind: 'class', label: c, neurons: p.perClassTop[c]! }));
        return siteGroups(p).map(({ site, neurons }) => ({ kind: 'site', site, neurons }));
      case 'class':
        return neurons(node.neurons, `class:${node.label}`);
      case 'site':
        return neurons(node.neurons, `site:${node.site}`);
      default:
        return [];
    }
  }

  getTreeItem(node: NeuronNode): vscode.TreeItem {
    const p = this.probe!;
    switch (node.kind) {
      case 'section': {
        const titles = { top: 'Top neurons', classes: 'By class', layers: 'By layer' };
        const item = new vscode.TreeItem(titles[node.section], node.section === 'top' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `section:${node.section}`;
        if (node.section === 'top') {
          item.description = `${basename(this.state.probe!.path)} · ${(100 * p.test.accuracy).toFixed(1)}% test accuracy`;
          item.tooltip = `The ${Math.min(PER_GROUP, p.ordering.length)} most important of ${p.ordering.length} neurons (${this.state.probe!.path})`;
        }
        item.iconPath = new vscode.ThemeIcon(node.section === 'top' ? 'star-full' : node.section === 'classes' ? 'symbol-enum' : 'layers');
        return item;
      }
      case 'class': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `class:${node.label}`;
        item.description = `${node.neurons.length} neurons`;
        item.tooltip = `Top neurons of ${node.label} (${(100 * p.settings.topPercentage).toFixed(0)}% of its weight mass)`;
        return item;
      }
      case 'site': {
        const item = new vscode.TreeItem(node.site, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `site:${node.site}`;
        item.description = `${node.neurons.length} ranked`;
        return item;
      }
      case 'neuron': {
        const loc = locateNeuron(p.sites, node.neuron);
        const selected = this.state.neuron?.neuron === node.neuron;
        const item = new vscode.TreeItem(neuronTitle(p.sites, node.neuron), vscode.TreeItemCollapsibleState.None);
        item.id = `neuron:${node.parent}:${node.neuron}`;
        item.description = `${node.rank !== undefined ? `#${node.rank}` : ''}${selected ? ' · shown' : ''}`;
        const words = p.topWords.find((w) => w.neuron === node.neuron)?.words;
        item.tooltip = `neuron ${node.neuron}${loc ? ` (${loc.site} unit ${loc.unit})` : ''}${node.rank !== undefined ? `, rank ${node.rank}` : ''}${words ? `\ntop words: ${words.slice(0, 8).join(', ')}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(selected ? 'eye' : 'pulse');
        item.contextValue = 'grain.neuron';
        item.command = { command: 'grain.showNeuron', title: 'Show Neuron', arguments: [node.neuron] };
        return item;
      }
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}

/** The probe's neurons per site, in its order. */
function siteGroups(p: ProbeResult): { site: string; neurons: number[] }[] {
  const groups = p.sites.map((s) => ({ site: s.name, neurons: [] as number[] }));
  for (const n of p.ordering) {
    const loc = locateNeuron(p.sites, n);
    if (loc) groups.find((g) => g.site === loc.site)!.neurons.push(n);
  }
  return groups.filter((g) => g.neurons.length > 0);
}
