// The report webviews: the "Grain: Open Report" command (on a file Uri or path, or a pick of the
// workspace's .grain/*.json) and the serializers that bring report panels back after a reload.
import { basename, isAbsolute, resolve } from 'node:path';
import * as vscode from 'vscode';
import { GrainError } from '../../core/errors';
import { sniffResult, viewOfKind } from '../../results/read';
import { REPORT_VIEW_TYPES, type ReportView, type ReportViewState } from '../../shared/protocol/report';
import type { GrainServices } from '../services';
import type { CommandRegistry } from '../commands/registry';
import { resultPathOf } from '../command-args';
import { modelDisplayName, sameModel } from '../../core/model/folder';
import { checkModelFolder } from '../known-models';
import { ReportPanel } from './panel';


export function registerReports(context: vscode.ExtensionContext, services: GrainServices, commands: CommandRegistry): void {
  const openReport = (view: ReportView, path: string) => {
    ReportPanel.show(services, { view, main: path }, openReport);
  };

  // Open Report: on a result file (an Analyses row, a Uri, a path) or a pick of the saved results.
  commands.register('grain.openReport', async (arg?: unknown, companion?: unknown) => {
    const path = resultPathOf(arg) ?? (await pickResultFile(services));
    if (!path) return;
    // A file that cannot be read still opens its panel, which says what is wrong with it.
    let view = viewOfDeclared(declaredKind(path));
    try {
      const r = services.results.read(path);
      const shown = viewOfKind(r.kind);
      if (!shown) {
        // Descriptions have no report of their own: the ranking report shows a probe's.
        await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: false });
        return;
      }
      view = shown;
      // A probe report's probe becomes the current one: the Neurons view, hovers and heat map follow it.
      if (r.kind === 'probe') services.state.setProbe({ result: r.result, path });
      // Neurons picked in a ranking colour the current model's words: make the report's model current.
      if (r.kind === 'probe' || r.kind === 'experiments') void followModel(services, r.result.source.model, basename(path));
    } catch (e) {
      services.log.error(`report on ${path}: ${e instanceof GrainError ? e.message : String(e)}`);
    }
    ReportPanel.show(services, { view, main: path, companion: resultPathOf(companion) }, openReport);
  });
  context.subscriptions.push(
    ...(Object.entries(REPORT_VIEW_TYPES) as [ReportView, string][]).map(([view, viewType]) =>
      vscode.window.registerWebviewPanelSerializer(viewType, {
        async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
          const saved = (state ?? {}) as Partial<ReportViewState>;
          services.log.info(`restoring the ${view} report${saved.path ? ` of ${saved.path}` : ''}`);
          ReportPanel.restore(
            services,
            panel,
            { view, main: typeof saved.path === 'string' ? saved.path : undefined, companion: typeof saved.companion === 'string' ? saved.companion : undefined },
            openReport,
          );
        },
      }),
    ),
  );
}

const unusableTold = new Set<string>();

/**
 * Makes the model a ranking was made on the current model: at once when none is current, after
 * asking when another one is (the user may be reading an old report next to their work).
 */
async function followModel(services: GrainServices, written: string | undefined, report: string): Promise<void> {
  if (!written) return;
  const model = isAbsolute(written) ? written : resolve(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? services.results.dir, written);
  const current = services.state.model;
  if (current && sameModel(current, model)) return;
  const name = modelDisplayName(model);
  const checked = checkModelFolder(model);
  if ('error' in checked) {
    services.log.warn(`report ${report}: its model ${model} cannot be used here (${checked.error}); neurons picked in it colour nothing`);
    // Once per model and session: reopening the report need not say it again.
    if (unusableTold.has(model)) return;
    unusableTold.add(model);
    void vscode.window.showWarningMessage(`Grain: ${report} was made on ${name}, which cannot be used here (${checked.reason}); picking its neurons colours nothing.`);
    return;
  }
  if (!current) {
    services.state.setModel(model);
    services.log.info(`report ${report}: its model ${model} is now the current model`);
    vscode.window.setStatusBarMessage(`Grain: ${name} is the current model (the model of ${report})`, 5000);
    return;
  }
  const use = `Use ${name}`;
  const choice = await vscode.window.showInformationMessage(
    `Grain: ${report} was made on ${name}, but the current model is ${modelDisplayName(current)}: its neurons colour the editor only on ${name}.`,
    use,
  );
  if (choice === use) {
    services.state.setModel(model);
    services.log.info(`report ${report}: its model ${model} is now the current model`);
  }
}

function viewOfDeclared(kind: string): ReportView {
  return kind === 'ablation' || kind === 'correlation' || kind === 'contexts' ? kind : 'ranking';
}

/** The kind a result file declares, from its header, for the picker and the panel of a broken file. */
function declaredKind(path: string): string {
  try {
    const head = sniffResult(path);
    return 'error' in head ? head.error : head.kind;
  } catch {
    return 'unreadable';
  }
}

/** A saved result of this workspace (newest first), or one browsed for anywhere. */
async function pickResultFile(services: GrainServices): Promise<string | undefined> {
  const { results, unreadable } = services.results.list();
  type Item = vscode.QuickPickItem & { path?: string; demo?: true };
  const items: Item[] = results.map((r) => ({
    label: basename(r.path),
    description: r.kind,
    detail: [r.createdAt?.replace('T', ' ').slice(0, 19), r.models.map((m) => modelDisplayName(m)).join(', ')].filter(Boolean).join(' · '),
    path: r.path,
  }));
  // A file that cannot be read is listed too: its panel says what is wrong with it.
  for (const u of unreadable) items.push({ label: basename(u.path), description: 'cannot be read', detail: u.error, path: u.path });
  if (results.length === 0) items.push({ label: '$(play) Run the Demo', description: 'trains a probe and saves its result', demo: true });
  items.push({ label: '$(folder-opened) Browse…', description: 'a result file anywhere' });
  const placeHolder = results.length ? 'Result file to show as a report' : `No saved results in ${services.results.dir}`;
  const picked = await vscode.window.showQuickPick(items, { title: 'Grain: Open Report', placeHolder, matchOnDescription: true, matchOnDetail: true });
  if (!picked) return undefined;
  if (picked.demo) {
    await vscode.commands.executeCommand('grain.runDemo');
    return undefined;
  }
  if (picked.path) return picked.path;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Grain results': ['json'] }, openLabel: 'Open Report' });
  return chosen?.[0]?.fsPath;
}
