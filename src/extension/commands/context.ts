// What every command needs: the services, the known models, workspace trust, running a job
// (with the host's event-loop delay logged), opening reports, and reading the current ranking.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Job } from '../../shared/jobs';
import type { ProbeResult } from '../../shared/results';
import type { GrainServices } from '../services';
import { formatHostDelay, measureHostDelay } from './host-delay';
import { knownModels, type KnownModel } from './model-folder';
import { locateNeuron } from './neuron-ref';

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

  models(): KnownModel[] {
    return knownModels(this.demoDir, this.services.settings().modelPaths);
  }

  /** Folder name of a model folder, e.g. brown-lstm-s1. */
  modelName(folder: string | undefined): string {
    return folder ? basename(folder) : 'no model';
  }

  /**
   * True when the workspace is trusted. Otherwise says that running a model needs trust and
   * offers "Manage Workspace Trust"; the caller then does nothing.
   */
  async requireTrust(what: string): Promise<boolean> {
    if (vscode.workspace.isTrusted) return true;
    this.log.warn(`${what}: not run, the workspace is not trusted`);
    const choice = await vscode.window.showWarningMessage(
      `Grain: ${what} runs a model on files of this workspace, which needs workspace trust. This workspace is in Restricted Mode.`,
      'Manage Workspace Trust',
    );
    if (choice === 'Manage Workspace Trust') await vscode.commands.executeCommand('workbench.trust.manage');
    return false;
  }

  /** The current model, or asks for one (Choose Model) when none is set. */
  async currentModel(): Promise<string | undefined> {
    const current = this.state.model;
    if (current && existsSync(join(current, 'model.onnx'))) return current;
    if (current) this.log.warn(`the current model ${current} is gone; choose another`);
    await vscode.commands.executeCommand('grain.chooseModel');
    return this.state.model;
  }

  /** Runs a job in the worker with progress and cancel; logs the host's event-loop delay meanwhile. */
  async runJob<T>(title: string, job: Job): Promise<T | undefined> {
    const { value, delay } = await measureHostDelay(() => this.services.worker.run<T>(title, job));
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

  /** Loads a probe result as the current ranking. */
  async setRanking(path: string): Promise<ProbeResult | undefined> {
    try {
      const { kind, value } = await this.services.results.read<ProbeResult>(path);
      if (kind !== 'probe') {
        void vscode.window.showErrorMessage(`Grain: ${basename(path)} is a ${kind} result; a ranking comes from a probe result.`);
        return undefined;
      }
      this.state.setProbe({ result: value, path });
      return value;
    } catch (err) {
      this.log.error(`cannot load the ranking ${path}: ${(err as Error).message}`);
      void vscode.window.showErrorMessage(`Grain: cannot load the ranking: ${(err as Error).message}`);
      return undefined;
    }
  }

  /** Sets the selected neuron by global id in the current ranking. */
  selectNeuron(neuron: number): boolean {
    const probe = this.state.probe;
    const loc = probe ? locateNeuron(probe.result.sites, neuron) : undefined;
    if (!loc) return false;
    this.state.setNeuron(loc);
    this.log.info(`selected neuron ${loc.neuron} (${loc.site}:${loc.unit})`);
    return true;
  }

  /** Job settings shared by every extraction. */
  jobBasics() {
    const s = this.services.settings();
    return { aggregation: s.aggregation, sites: s.sites, batchSize: s.batchSize, threads: s.threads };
  }
}
