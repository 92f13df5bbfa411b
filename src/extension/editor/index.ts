// The editor side of Grain: heat-map decorations on plain-text files, hovers with each word's
// strongest neurons, the heat-map view, and the neuron commands they link to.
import * as vscode from 'vscode';
import { locateNeuron, neuronTitle, parseNeuron, totalNeurons, type NeuronLocation, type SiteWidth } from '../../shared/neurons';
import type { CommandRegistry } from '../commands/registry';
import { neuronArg, neuronOfArg } from '../command-args';
import type { GrainServices } from '../services';
import { showError } from '../notify';
import { requireTrust } from '../trust';
import { EditorAnalysis, type StatsInfo } from './analysis';
import { HeatDecorations } from './decorations';
import { heatLanguages, probeFor } from './documents';
import { HeatmapView } from './heatmap-view';
import { HeatHover } from './hover';
import { Pins } from './pins';
import { ProbeErrors } from './probe-errors';
import { SecondModel } from './second-model';

export function registerEditor(context: vscode.ExtensionContext, services: GrainServices, commands: CommandRegistry): void {
  const analysis = new EditorAnalysis(services, context.globalStorageUri);
  const pins = new Pins(context.workspaceState);
  const decorations = new HeatDecorations(services, analysis);
  const hover = new HeatHover(services, analysis, decorations, pins);
  const probeErrors = new ProbeErrors(services, analysis);
  const second = new SecondModel(services, context.workspaceState);

  /** The current model and its statistics (sites and widths), asking for a model if none is set. */
  const modelAndStats = async (ask: boolean): Promise<{ name: string; stats: StatsInfo } | undefined> => {
    if (!(await requireTrust(services.log, 'Show Neuron'))) return undefined;
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

  /**
   * Show Neuron: colour the editor by a neuron. With an argument (a hover link, a tree row, the
   * heat-map view) that neuron; without, a pick of the current probe's top neurons (when it is a
   * probe of the current model) where an id or a site and unit can also be typed.
   */
  const showNeuron = async (arg?: unknown): Promise<void> => {
    const ms = await modelAndStats(arg === undefined);
    if (!ms) return;
    const { siteInfo } = ms.stats;
    const at = arg === undefined ? await pickNeuron(ms.name, siteInfo) : neuronOfArg(arg, siteInfo);
    if (!at) return;
    if ('error' in at) {
      void showError(`${at.error} (${ms.name})`);
      return;
    }
    services.state.setNeuron(at);
    services.log.info(`heat map: ${neuronTitle(siteInfo, at.neuron)}`);
  };

  const pickNeuron = async (modelName: string, sites: readonly SiteWidth[]): Promise<NeuronLocation | { error: string } | undefined> => {
    const model = analysis.model();
    const probe = model ? probeFor(services.state.probe, model) : undefined;
    const ranked: NeuronPick[] =
      probe && !('skipped' in probe) ? probe.result.ordering.slice(0, LISTED).map((id, rank) => ({ label: neuronTitle(sites, id), description: `rank ${rank + 1} in the probe`, neuron: id })) : [];
    const qp = vscode.window.createQuickPick<NeuronPick>();
    qp.title = `Grain: Show Neuron (${modelName})`;
    qp.placeholder = `${ranked.length > 0 ? 'Pick a top neuron of the current probe, or type' : 'Type'} an id (0-${totalNeurons(sites) - 1}) or a site and unit (layer1:17)`;
    qp.items = ranked;
    qp.onDidChangeValue((value) => {
      const typed = value.trim() === '' ? undefined : parseNeuron(value, sites);
      const extra: NeuronPick[] =
        typed && !('error' in typed) && !ranked.some((r) => r.neuron === typed.neuron) ? [{ label: neuronTitle(sites, typed.neuron), description: 'typed', neuron: typed.neuron, alwaysShow: true }] : [];
      qp.items = [...extra, ...ranked];
    });
    const picked = await new Promise<NeuronPick | { typed: string } | undefined>((resolve) => {
      qp.onDidAccept(() => resolve(qp.selectedItems[0] ?? { typed: qp.value }));
      qp.onDidHide(() => resolve(undefined));
      qp.show();
    });
    qp.dispose();
    if (!picked) return undefined;
    return 'typed' in picked ? parseNeuron(picked.typed, sites) : locateNeuron(sites, picked.neuron);
  };

  const pinNeuron = async (arg?: unknown): Promise<void> => {
    const id = neuronArg(arg);
    if (id === undefined) return;
    const pinned = pins.toggle(id);
    vscode.window.setStatusBarMessage(`Grain: ${pinned ? 'pinned' : 'unpinned'} neuron ${id} in the heat-map view`, 4000);
  };

  // Hovers for the languages of grain.decorations.languages, registered again when it changes.
  let hovers: vscode.Disposable | undefined;
  const registerHovers = () => {
    hovers?.dispose();
    const selector: vscode.DocumentSelector = heatLanguages().flatMap((language) => [
      { language, scheme: 'file' },
      { language, scheme: 'untitled' },
    ]);
    hovers = vscode.languages.registerHoverProvider(selector, hover);
  };
  registerHovers();

  context.subscriptions.push(
    pins,
    decorations,
    { dispose: () => hovers?.dispose() },
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('grain.decorations.languages')) registerHovers();
    }),
    probeErrors,
    second,
    vscode.languages.registerCodeActionsProvider([{ scheme: 'file' }, { scheme: 'untitled' }], probeErrors, { providedCodeActionKinds: ProbeErrors.providedCodeActionKinds }),
    second.onDidChange((m) => void vscode.commands.executeCommand('setContext', 'grain.hasSecondModel', m !== undefined)),
    ...HeatmapView.register(services, analysis, pins, second),
  );
  void vscode.commands.executeCommand('setContext', 'grain.hasSecondModel', second.folder !== undefined);
  commands.register('grain.showNeuron', showNeuron);
  commands.register('grain.pinNeuron', pinNeuron);
  commands.register('grain.decorateVisibleRange', () => decorations.refreshAll());
  commands.register('grain.showProbeErrors', () => probeErrors.show());
  commands.register('grain.clearProbeErrors', () => probeErrors.clear());
  commands.register('grain.showWordNeurons', (uri, line, character) => probeErrors.showWordNeurons(uri, line, character));
  commands.register('grain.chooseSecondModel', (arg) => second.choose(analysis.model()?.dir, arg));
  commands.register('grain.clearSecondModel', () => second.set(undefined));
}

type NeuronPick = vscode.QuickPickItem & { neuron: number };

/** Top neurons of the current probe listed by Show Neuron. */
const LISTED = 100;
