// What every command needs: the services, the known models, workspace trust, running a job
// (with the host's event-loop delay logged), opening reports, and loading the current probe.
import * as vscode from 'vscode';
import { isAbsolute, resolve } from 'node:path';
import { modelDisplayName } from '../../core/model/folder';
import type { JobKind, JobOf, JobResults } from '../../shared/jobs';
import type { ProbeResult } from '../../shared/results';
import type { GrainServices } from '../services';
import { showError } from '../notify';
import { requireTrust } from '../trust';
import { formatHostDelay, measureHostDelay } from './host-delay';
import { checkModelFolder, knownModels, resolveModelPaths, untrustedModels, type KnownModel } from '../known-models';
import { workspaceModelPaths } from '../workspace-settings';
import { locateNeuron, neuronTitle } from '../../shared/neurons';

export class CommandContext {
  readonly demoDir: string;

  constructor(readonly services: GrainServices) {
    this.demoDir = vscode.Uri.joinPath(services.extensionUri, 'models').fsPath;
  }

  get log() {
    return this.services.log;
  }

  get state() {
    return this.services.state;
  }

  /** The demo models, grain.modelPaths (relative entries against the first workspace folder), and the current model. */
  models(): KnownModel[] {
    const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return knownModels(this.demoDir, resolveModelPaths(this.services.settings().modelPaths, workspaceFolder), this.state.model);
  }

  /** In Restricted Mode, the folders the workspace's own grain.modelPaths lists (ignored until it is trusted). */
  untrustedModels(listed: KnownModel[]): KnownModel[] {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (vscode.workspace.isTrusted || !folder) return [];
    return untrustedModels(resolveModelPaths(workspaceModelPaths(folder), folder), listed);
  }

  /**
   * A model path as a result file holds it, made absolute: results the CLI wrote may hold paths
   * relative to where it ran, which for a workspace is its folder.
   */
  resultModelPath(path: string): string {
    return isAbsolute(path) ? path : resolve(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? this.services.results.dir, path);
  }

  /** A model's short name: its folder's, plus the variant when it is not the default (my-model · model_quantized). */
  modelName(folder: string | undefined): string {
    return folder ? modelDisplayName(folder) : 'no model';
  }

  /**
   * True when the workspace is trusted. Otherwise says that running a model needs trust and
   * offers "Manage Workspace Trust"; the caller then does nothing.
   */
  requireTrust(what: string): Promise<boolean> {
    return requireTrust(this.log, what);
  }

  /** The current model, or asks for one (Choose Model) when none is set. */
  async currentModel(): Promise<string | undefined> {
    const current = this.state.model;
    if (current) {
      const checked = checkModelFolder(current);
      if ('facts' in checked && (checked.scan.givenFile || checked.scan.defaultVariant)) return current;
      this.log.warn(`the current model ${current} cannot be used now (${'error' in checked ? checked.error : 'several variants and none chosen'}); choose another`);
    }
    await vscode.commands.executeCommand('grain.chooseModel');
    return this.state.model;
  }

  /** Runs a job in the worker with progress and cancel; logs the host's event-loop delay meanwhile. */
  async runJob<K extends JobKind>(title: string, job: JobOf<K>): Promise<JobResults[K] | undefined> {
    const { value, delay } = await measureHostDelay(() => this.services.worker.run(title, job));
    this.log.info(`${title}: ${formatHostDelay(delay)}`);
    this.services.results.notifyChanged();
    return value;
  }

  /** Opens a result in its report (grain.openReport), or the JSON itself when no report is registered. */
  async openReport(path: string): Promise<void> {
    const uri = vscode.Uri.file(path);
    const commands = await vscode.commands.getCommands(true);
    if (commands.includes('grain.openReport')) {
      await vscode.commands.executeCommand('grain.openReport', uri);
      return;
    }
    this.log.info(`no report view registered; opening ${path} as JSON`);
    await vscode.window.showTextDocument(uri, { preview: false });
  }

  /** Loads a probe result as the current probe. */
  async loadProbe(path: string): Promise<ProbeResult | undefined> {
    try {
      const read = this.services.results.read(path);
      if (read.kind !== 'probe') {
        void showError({ message: `this is a ${read.kind} result; choose a probe result`, file: path });
        return undefined;
      }
      this.state.setProbe({ result: read.result, path });
      return read.result;
    } catch (err) {
      void showError(err, { what: 'Loading the probe', log: this.log });
      return undefined;
    }
  }

  /** Sets the selected neuron by its id in the current probe's sites. */
  selectNeuron(neuron: number): boolean {
    const probe = this.state.probe;
    const loc = probe ? locateNeuron(probe.result.sites, neuron) : undefined;
    if (!loc) return false;
    this.state.setNeuron(loc);
    this.log.info(`selected ${neuronTitle(probe!.result.sites, loc.neuron)}`);
    return true;
  }

  /** Job settings shared by every extraction. */
  jobBasics() {
    const s = this.services.settings();
    return { aggregation: s.aggregation, sites: s.sites, batchSize: s.batchSize, threads: s.threads };
  }
}
