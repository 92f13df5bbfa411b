// The status bar item: current model and selected neuron; click to choose a model.
import * as vscode from 'vscode';
import { modelDisplayName } from '../core/model/folder';
import type { GrainState } from './state';

export function createStatusBar(state: GrainState): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('grain.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Grain';
  item.command = 'grain.chooseModel';
  const update = () => {
    const model = state.model ? modelDisplayName(state.model) : 'no model';
    const n = state.neuron;
    item.text = `$(pulse) ${model}${n ? ` · n${n.neuron} ${n.site}:${n.unit}` : ''}`;
    item.tooltip = `Grain: ${state.model ?? 'no model chosen'}${n ? `\nneuron ${n.neuron} (${n.site} unit ${n.unit}) shown in the editor` : ''}\nClick to choose a model`;
    item.show();
  };
  update();
  const subs = [state.onDidChangeModel(update), state.onDidChangeNeuron(update)];
  return new vscode.Disposable(() => {
    for (const s of subs) s.dispose();
    item.dispose();
  });
}
