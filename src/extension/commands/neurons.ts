// Show Neuron on Current File: pick from the current ranking, or type an id / `layer1:17`.
import * as vscode from 'vscode';
import type { CommandContext } from './context';
import { neuronTitle, parseNeuron } from '../../shared/neurons';

type NeuronPick = vscode.QuickPickItem & { neuron?: number };

const LISTED = 100;

export async function showNeuron(ctx: CommandContext, arg?: unknown): Promise<void> {
  const probe = ctx.state.probe;
  if (!probe) {
    const choice = await vscode.window.showWarningMessage('Grain: there is no current ranking yet. Run a probe (or the demo) first.', 'Run Demo', 'Open Saved Report');
    if (choice === 'Run Demo') await vscode.commands.executeCommand('grain.runDemo');
    if (choice === 'Open Saved Report') await vscode.commands.executeCommand('grain.openSavedReport');
    return;
  }
  const sites = probe.result.sites;
  const direct = typeof arg === 'number' ? arg : (arg as { neuron?: unknown } | undefined)?.neuron;
  if (typeof direct === 'number') {
    if (!ctx.selectNeuron(direct)) void vscode.window.showErrorMessage(`Grain: neuron ${direct} is not in the current ranking.`);
    return;
  }
  const qp = vscode.window.createQuickPick<NeuronPick>();
  qp.title = 'Grain: Show Neuron on Current File';
  qp.placeholder = 'Pick a top neuron, or type an id (17) or a site and unit (layer1:17)';
  const ranked: NeuronPick[] = probe.result.ordering.slice(0, LISTED).map((id, rank) => ({ label: neuronTitle(sites, id), description: `rank ${rank + 1}`, neuron: id }));
  qp.items = ranked;
  qp.onDidChangeValue((value) => {
    const typed = value.trim() === '' ? undefined : parseNeuron(value, sites);
    const extra: NeuronPick[] = typed && !('error' in typed) && !ranked.some((r) => r.neuron === typed.neuron)
      ? [{ label: neuronTitle(sites, typed.neuron), description: 'typed', neuron: typed.neuron, alwaysShow: true }]
      : [];
    qp.items = [...extra, ...ranked];
  });
  const picked = await new Promise<NeuronPick | { typed: string } | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0] ?? { typed: qp.value }));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!picked) return;
  if ('typed' in picked) {
    const parsed = parseNeuron(picked.typed, sites);
    if ('error' in parsed) {
      void vscode.window.showErrorMessage(`Grain: ${parsed.error}.`);
      return;
    }
    ctx.selectNeuron(parsed.neuron);
    return;
  }
  if (picked.neuron !== undefined) ctx.selectNeuron(picked.neuron);
}
