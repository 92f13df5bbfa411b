import * as vscode from 'vscode';
import type { ProbeResult } from '../shared/results';

/** A neuron the user picked: its id in the current model's (or probe's) neuron numbering, and where it lives. */
export interface NeuronRef {
  neuron: number;
  site: string;
  unit: number;
}

/**
 * What the user is looking at, shared by the side panel, the editor decorations, the hovers,
 * the status bar and the reports: the current model, the current probe (a probe result, whose neuron order is its ranking) and the
 * selected neuron. Persisted per workspace so a reload keeps it.
 */
export class GrainState implements vscode.Disposable {
  private readonly modelChanged = new vscode.EventEmitter<string | undefined>();
  private readonly neuronChanged = new vscode.EventEmitter<NeuronRef | undefined>();
  private readonly probeChanged = new vscode.EventEmitter<{ result: ProbeResult; path: string } | undefined>();
  readonly onDidChangeModel = this.modelChanged.event;
  readonly onDidChangeNeuron = this.neuronChanged.event;
  readonly onDidChangeProbe = this.probeChanged.event;

  private current: { model?: string; neuron?: NeuronRef; probePath?: string } = {};
  private probeResult?: ProbeResult;

  constructor(private readonly memento: vscode.Memento) {
    this.current = memento.get('grain.state', {});
  }

  /** Folder of the current model (a demo model or the user's own). */
  get model(): string | undefined {
    return this.current.model;
  }

  get neuron(): NeuronRef | undefined {
    return this.current.neuron;
  }

  /** The current probe, if a probe result is loaded. */
  get probe(): { result: ProbeResult; path: string } | undefined {
    return this.probeResult && this.current.probePath ? { result: this.probeResult, path: this.current.probePath } : undefined;
  }

  /** Path of the last probe result, to reload after a restart. */
  get probePath(): string | undefined {
    return this.current.probePath;
  }

  setModel(model: string | undefined): void {
    if (model === this.current.model) return;
    this.current.model = model;
    this.save();
    this.modelChanged.fire(model);
  }

  setNeuron(neuron: NeuronRef | undefined): void {
    this.current.neuron = neuron;
    this.save();
    this.neuronChanged.fire(neuron);
  }

  setProbe(probe: { result: ProbeResult; path: string } | undefined): void {
    this.probeResult = probe?.result;
    this.current.probePath = probe?.path;
    this.save();
    this.probeChanged.fire(probe);
  }

  dispose(): void {
    this.modelChanged.dispose();
    this.neuronChanged.dispose();
    this.probeChanged.dispose();
  }

  private save(): void {
    void this.memento.update('grain.state', this.current);
  }
}
