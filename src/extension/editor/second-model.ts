// The second model of the heat map: another seed or checkpoint beside the current model. The
// selected neuron's partner there comes from a saved correlation result that covers both models,
// else from Pearson over the open file's words (in the worker); both rows and their difference
// go to the Heat Map view.
import * as vscode from 'vscode';
import { isAbsolute, resolve } from 'node:path';
import { modelDisplayName, sameModel } from '../../core/model/folder';
import type { NeuronPartnerJob } from '../../shared/jobs';
import { showError } from '../notify';
import { neuronLabel } from '../../shared/neurons';
import type { SidesView } from '../../shared/protocol/heatmap';
import { folderOfArg } from '../command-args';
import { checkModelFolder, knownModels, modelKind, modelSummary, resolveModelPaths } from '../known-models';
import type { GrainServices } from '../services';
import { isCancel, type ModelRef, type StatsInfo } from './analysis';
import { correlationPartner } from './correlation-partner';

export class SecondModel implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<string | undefined>();
  readonly onDidChange = this.emitter.event;
  private running?: { cancel(): void };

  constructor(
    private readonly services: GrainServices,
    private readonly memento: vscode.Memento,
  ) {}

  /** The second model's folder (or .onnx file), kept per workspace. */
  get folder(): string | undefined {
    const saved = this.memento.get<unknown>('grain.secondModel');
    return typeof saved === 'string' && saved !== '' ? saved : undefined;
  }

  set(folder: string | undefined): void {
    if (folder === this.folder) return;
    void this.memento.update('grain.secondModel', folder);
    this.emitter.fire(folder);
  }

  /** Grain: Choose Second Model...: a model folder as argument, or a pick of the known models, those of the current model's (`current`) kind first. */
  async choose(current: string | undefined, arg?: unknown): Promise<void> {
    if (!current) {
      void vscode.window.showWarningMessage('Grain: choose a model first (Grain: Choose Model); the second model goes beside it.');
      return;
    }
    let folder = folderOfArg(arg);
    if (!folder) {
      const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      const demoDir = vscode.Uri.joinPath(this.services.extensionUri, 'models').fsPath;
      const models = knownModels(demoDir, resolveModelPaths(this.services.settings().modelPaths, workspace), current);
      const mine = models.find((m) => m.facts && sameModel(m.folder, current));
      const kind = mine ? modelKind(mine) : undefined;
      const others = models.filter((m) => m.facts && !sameModel(m.folder, current));
      if (others.length === 0) {
        void vscode.window.showWarningMessage('Grain: there is no other model to put beside the current one; add one with Grain: Add Model Folder...');
        return;
      }
      const same = (m: (typeof others)[number]) => kind !== undefined && modelKind(m) === kind;
      const items = [...others.filter(same), ...others.filter((m) => !same(m))].map((m) => ({
        label: `${this.folder && sameModel(m.folder, this.folder) ? '$(check) ' : ''}${m.facts?.name ?? m.id}`,
        description: `${modelSummary(m.facts!)}${same(m) ? ` · same kind as ${modelDisplayName(current)}` : ''}`,
        detail: m.folder,
        folder: m.folder,
      }));
      const pick = await vscode.window.showQuickPick(items, { title: `Grain: Choose Second Model (beside ${modelDisplayName(current)})`, placeHolder: 'Another seed or checkpoint to compare neurons with', matchOnDescription: true });
      if (!pick) return;
      folder = pick.folder;
    }
    const checked = checkModelFolder(folder);
    if ('error' in checked) {
      void showError({ message: checked.error, file: checked.file, line: checked.line }, { what: 'Choose Second Model' });
      return;
    }
    if (sameModel(folder, current)) {
      void vscode.window.showWarningMessage(`Grain: ${modelDisplayName(folder)} is the current model; choose another one to put beside it.`);
      return;
    }
    this.set(folder);
    this.services.log.info(`second model: ${folder}`);
  }

  /**
   * What the heat map shows for the second model: the selected neuron's partner and both rows
   * over `lines`, or why not. Calls `busy` before a computation; a later call cancels an earlier one.
   */
  async sides(model: ModelRef, stats: StatsInfo, lines: { line: number; text: string }[], busy: (v: SidesView) => void): Promise<SidesView | undefined> {
    this.cancel();
    const other = this.folder;
    if (!other) return { state: 'off' };
    const otherName = modelDisplayName(other);
    const selected = this.services.state.neuron?.neuron;
    if (selected === undefined || selected >= stats.neurons) return { state: 'waiting', other: otherName, message: `Select a neuron to see its partner in ${otherName}.` };
    if (sameModel(other, model.dir)) return { state: 'error', other: otherName, message: `${otherName} is the current model; choose another second model.` };
    const checked = checkModelFolder(other);
    if ('error' in checked) return { state: 'error', other: otherName, message: checked.error };

    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? this.services.results.dir;
    const results = this.services.results;
    const named = correlationPartner(results.list().results, (p) => results.read(p), model.dir, other, selected, stats.siteInfo, (p) => (isAbsolute(p) ? p : resolve(workspace, p)));
    const s = this.services.settings();
    const job: NeuronPartnerJob = {
      kind: 'neuron-partner',
      model: model.dir,
      other,
      neuron: selected,
      partner: named?.partner,
      lines,
      aggregation: s.aggregation,
      sites: s.sites,
      batchSize: s.batchSize,
      threads: s.threads,
    };
    busy({ state: 'waiting', other: otherName, message: named ? `Reading ${otherName}'s partner from ${named.file}…` : `Finding the partner in ${otherName} on this file…` });
    const run = this.services.worker.runQuiet(job);
    this.running = run;
    try {
      const res = await run.result;
      if (res.words < 3) return { state: 'waiting', other: otherName, message: `Too few words in this file to correlate ${model.name} with ${otherName} (${res.words}).` };
      return {
        state: 'data',
        data: {
          model: model.name,
          other: otherName,
          neuron: { id: selected, label: neuronLabel(stats.siteInfo, selected) },
          partner: { id: res.partner, label: neuronLabel(res.otherSiteInfo, res.partner) },
          r: res.r,
          words: res.words,
          from: named && { file: named.file, r: named.r, rows: named.rows },
          line: Array.from(res.line),
          start: Array.from(res.start),
          text: res.text,
          computed: Array.from(res.computed),
          values: Array.from(res.values),
          partnerValues: Array.from(res.partnerValues),
          z: Array.from(res.z),
          partnerZ: Array.from(res.partnerZ),
          diff: Array.from(res.diff),
        },
      };
    } catch (e) {
      if (isCancel(e)) return undefined;
      return { state: 'error', other: otherName, message: (e as Error).message };
    } finally {
      if (this.running === run) this.running = undefined;
    }
  }

  /** Stops a computation of the rows (the view is updating anyway). */
  cancel(): void {
    this.running?.cancel();
    this.running = undefined;
  }

  dispose(): void {
    this.cancel();
    this.emitter.dispose();
  }
}
