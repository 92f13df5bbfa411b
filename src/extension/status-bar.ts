// The status bar item: current model and selected neuron; click to choose a model. Its tooltip
// says whether the neuron colours the editor now, and if not, why not.
import * as vscode from 'vscode';
import { modelDisplayName } from '../core/model/folder';
import { locationTitle } from '../shared/neurons';
import { heatLanguages } from './editor/documents';
import type { GrainState } from './state';

export function createStatusBar(state: GrainState): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('grain.status', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Grain';
  item.command = 'grain.chooseModel';
  const update = () => {
    const model = state.model ? modelDisplayName(state.model) : 'no model';
    const n = state.neuron;
    item.text = `$(pulse) ${model}${n ? ` · n${n.neuron} ${n.site}:${n.unit}` : ''}`;
    const lines = [`Grain: ${state.model ?? 'no model chosen'}`];
    if (n) {
      const title = locationTitle(n);
      if (!state.model) lines.push(`${title} is selected but not shown: no model is current, so nothing colours the editor. Choose a model (click).`);
      else if (!vscode.workspace.isTrusted) lines.push(`${title} is selected but not shown: the heat map runs the model, which Restricted Mode does not allow.`);
      else lines.push(`${title} colours the words of ${heatLanguages().join(', ')} editors (grain.decorations.languages).`);
    }
    lines.push('Click to choose a model');
    item.tooltip = lines.join('\n');
    item.show();
  };
  update();
  const subs = [
    state.onDidChangeModel(update),
    state.onDidChangeNeuron(update),
    vscode.workspace.onDidGrantWorkspaceTrust(update),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('grain.decorations.languages')) update();
    }),
  ];
  return new vscode.Disposable(() => {
    for (const s of subs) s.dispose();
    item.dispose();
  });
}
