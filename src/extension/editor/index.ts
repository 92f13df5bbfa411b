// The editor side of Grain: heat-map decorations on plain-text files, hovers with each word's
// strongest neurons, the heat-map view, and the neuron commands they link to.
import * as vscode from 'vscode';
import { locateNeuron, neuronTitle, parseNeuron } from '../../shared/neurons';
import type { GrainServices } from '../services';
import { EditorAnalysis, type StatsInfo } from './analysis';
import { HeatDecorations } from './decorations';
import { heatLanguages } from './documents';
import { HeatmapView } from './heatmap-view';
import { HeatHover } from './hover';
import { Pins } from './pins';

export function registerEditor(context: vscode.ExtensionContext, services: GrainServices): void {
  const analysis = new EditorAnalysis(services, context.globalStorageUri);
  const pins = new Pins(context.workspaceState);
  const decorations = new HeatDecorations(services, analysis);
  const hover = new HeatHover(services, analysis, decorations, pins);

  /** The current model and its statistics (sites and widths), asking for a model if none is set. */
  const modelAndStats = async (ask: boolean): Promise<{ name: string; stats: StatsInfo } | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Grain: neuron heat maps run the model on your text, which needs a trusted workspace.');
      return undefined;
    }
    let model = analysis.model();
    if (!model && ask) {
      // Choose Model: the demo models, grain.modelPaths and Browse..., with a variant pick when needed.
      await vscode.commands.executeCommand('grain.chooseModel');
      model = analysis.model();
      if (!model) return undefined;
    }
    if (!model) {
      void vscode.window.showWarningMessage('Grain: choose a model first.');
      return undefined;
    }
    const stats = await analysis.ensureStats(model);
    return stats ? { name: model.name, stats } : undefined;
  };

  const showNeuron = async (arg?: unknown): Promise<void> => {
    const id = neuronArg(arg);
    if (id === undefined) {
      void vscode.window.showErrorMessage(`Grain: Select Neuron needs a neuron id, got ${JSON.stringify(arg)}.`);
      return;
    }
    const ms = await modelAndStats(false);
    if (!ms) return;
    if (id >= ms.stats.neurons) {
      void vscode.window.showErrorMessage(`Grain: neuron ${id} does not exist: ${ms.name} has neurons 0 to ${ms.stats.neurons - 1}.`);
      return;
    }
    const at = locateNeuron(ms.stats.siteInfo, id)!;
    services.state.setNeuron(at);
    services.log.info(`heat map: ${neuronTitle(ms.stats.siteInfo, id)}`);
  };

  const showNeuronById = async (): Promise<void> => {
    const ms = await modelAndStats(true);
    if (!ms) return;
    const { siteInfo, neurons } = ms.stats;
    const current = services.state.neuron;
    const typed = await vscode.window.showInputBox({
      title: `Grain: Show Neuron by Id (${ms.name})`,
      prompt: `A neuron id (0-${neurons - 1}) or a site and unit (${siteInfo.map((s) => `${s.name}:0-${s.width - 1}`).join(', ')})`,
      value: current ? String(current.neuron) : '',
      validateInput: (v) => {
        const r = parseNeuron(v, siteInfo);
        return 'error' in r ? r.error : undefined;
      },
    });
    if (typed === undefined) return;
    const at = parseNeuron(typed, siteInfo);
    if (!('error' in at)) await showNeuron(at.neuron);
  };

  const pinNeuron = async (arg?: unknown): Promise<void> => {
    const id = neuronArg(arg);
    if (id === undefined) return;
    const pinned = pins.toggle(id);
    vscode.window.setStatusBarMessage(`Grain: ${pinned ? 'pinned' : 'unpinned'} neuron ${id} in the heat-map view`, 4000);
  };

  const selector: vscode.DocumentSelector = heatLanguages().flatMap((language) => [
    { language, scheme: 'file' },
    { language, scheme: 'untitled' },
  ]);

  context.subscriptions.push(
    pins,
    decorations,
    vscode.languages.registerHoverProvider(selector, hover),
    ...HeatmapView.register(services, analysis, pins),
    vscode.commands.registerCommand('grain.selectNeuron', showNeuron),
    vscode.commands.registerCommand('grain.pinNeuron', pinNeuron),
    vscode.commands.registerCommand('grain.showNeuronById', showNeuronById),
    vscode.commands.registerCommand('grain.decorateVisibleRange', () => decorations.refreshAll()),
  );
}

/** A neuron id from a command argument: a number, "17", { neuron: 17 } or [17]. */
export function neuronArg(arg: unknown): number | undefined {
  const v = Array.isArray(arg) ? arg[0] : typeof arg === 'object' && arg !== null ? (arg as { neuron?: unknown }).neuron : arg;
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}
