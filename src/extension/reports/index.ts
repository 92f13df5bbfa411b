// The report webviews: the "Grain: Open Report" command (on a file Uri or path, or a pick of the
// workspace's .grain/*.json) and the serializers that bring report panels back after a reload.
import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import { GrainError } from '../../core/errors';
import { sniffResult, viewOfKind } from '../../results/read';
import { REPORT_VIEW_TYPES, type ReportView, type ReportViewState } from '../../shared/protocol/report';
import type { GrainServices } from '../services';
import { ReportPanel } from './panel';

export const OPEN_REPORT_COMMAND = 'grain.openReport';

export function registerReports(context: vscode.ExtensionContext, services: GrainServices): void {
  const openReport = (view: ReportView, path: string) => {
    ReportPanel.show(services, { view, main: path }, openReport);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_REPORT_COMMAND, async (arg?: unknown, companion?: unknown) => {
      const path = pathOf(arg) ?? (await pickResultFile());
      if (!path) return;
      // A file that cannot be read still opens its panel, which says what is wrong with it.
      let view = viewOfDeclared(declaredKind(path));
      try {
        const r = services.results.read(path);
        view = viewOfKind(r.kind);
        // The ranking a probe report shows is the one the editor and hovers use.
        if (r.kind === 'probe') services.state.setProbe({ result: r.result, path });
      } catch (e) {
        services.log.error(`report on ${path}: ${e instanceof GrainError ? e.message : String(e)}`);
      }
      ReportPanel.show(services, { view, main: path, companion: pathOf(companion) }, openReport);
    }),
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

/** A file path from a command argument: a Uri (explorer, other commands) or a path string. */
function pathOf(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (arg && typeof arg === 'object' && 'fsPath' in arg && typeof (arg as { fsPath: unknown }).fsPath === 'string') return (arg as { fsPath: string }).fsPath;
  if (typeof arg === 'string' && arg.trim() !== '') {
    if (isAbsolute(arg)) return arg;
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder ? join(folder.uri.fsPath, arg) : arg;
  }
  return undefined;
}

function viewOfDeclared(kind: string): ReportView {
  return kind === 'ablation' || kind === 'correlation' ? kind : 'ranking';
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

async function pickResultFile(): Promise<string | undefined> {
  const files = await vscode.workspace.findFiles('**/.grain/*.json', '**/node_modules/**', 500);
  type Item = vscode.QuickPickItem & { path?: string };
  const items: Item[] = files
    .map((f) => ({ f, kind: declaredKind(f.fsPath) }))
    .sort((a, b) => a.f.fsPath.localeCompare(b.f.fsPath))
    .map(({ f, kind }) => ({ label: f.path.split('/').at(-1)!, description: kind, detail: vscode.workspace.asRelativePath(f), path: f.fsPath }));
  items.push({ label: '$(folder-opened) Browse…', description: 'a result file anywhere' });
  const picked = await vscode.window.showQuickPick(items, { placeHolder: files.length ? 'Result file to show as a report' : 'No .grain/*.json results in this workspace: browse for one', matchOnDescription: true, matchOnDetail: true });
  if (!picked) return undefined;
  if (picked.path) return picked.path;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Grain results': ['json'] }, openLabel: 'Open Report' });
  return chosen?.[0]?.fsPath;
}
