// Choose Model, Use This Model, Open Model Card.
import * as vscode from 'vscode';
import { join } from 'node:path';
import type { CommandContext } from './context';
import { checkModelFolder, type KnownModel } from './model-folder';

type ModelPick = vscode.QuickPickItem & { folder?: string; browse?: true };

/** A model folder from a command argument: a Models tree row, a Uri, or a path. */
export function folderOfArg(arg: unknown): string | undefined {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string') return arg;
  const node = arg as { kind?: string; model?: { folder?: string } } | undefined;
  if (node?.kind === 'model' && typeof node.model?.folder === 'string') return node.model.folder;
  return undefined;
}

export async function chooseModel(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const given = folderOfArg(arg);
  if (given) return useFolder(ctx, given);
  const models = ctx.models();
  const current = ctx.state.model;
  const items: ModelPick[] = models.map((m) => modelItem(m, current));
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: '$(folder-opened) Browse...', description: 'a folder with model.onnx, tokenizer.json and config.json', browse: true });
  const pick = await vscode.window.showQuickPick(items, { title: 'Grain: Choose Model', placeHolder: 'Model to analyse', matchOnDescription: true });
  if (!pick) return undefined;
  if (pick.browse) {
    const picked = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      openLabel: 'Use This Model',
      // Start in the workspace, not next to whatever file is open (often .grain/).
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      title: 'Grain: a model folder (model.onnx, tokenizer.json, config.json)',
    });
    if (!picked?.[0]) return undefined;
    return useFolder(ctx, picked[0].fsPath);
  }
  return pick.folder ? useFolder(ctx, pick.folder) : undefined;
}

function modelItem(m: KnownModel, current: string | undefined): ModelPick {
  const facts = m.facts;
  return {
    label: `${m.folder === current ? '$(check) ' : ''}${m.id}`,
    description: facts ? `${facts.kind} · ${facts.layerBoundaries.length} × ${facts.hiddenSize}${m.source === 'demo' ? ' · demo' : ''}` : 'unusable',
    detail: m.problem ?? m.folder,
    folder: m.folder,
  };
}

async function useFolder(ctx: CommandContext, folder: string): Promise<string | undefined> {
  const checked = checkModelFolder(folder);
  if ('error' in checked) {
    ctx.log.error(`Choose Model: ${checked.error}`);
    void vscode.window.showErrorMessage(`Grain: ${checked.error}.`);
    return undefined;
  }
  ctx.state.setModel(folder);
  ctx.log.info(`current model: ${folder} (${checked.facts.kind}, ${checked.facts.layerBoundaries.length} × ${checked.facts.hiddenSize})`);
  return folder;
}

export async function openModelCard(ctx: CommandContext, arg?: unknown): Promise<void> {
  let folder = folderOfArg(arg);
  if (!folder) {
    const models = ctx.models();
    if (models.length === 0) {
      void vscode.window.showWarningMessage('Grain: no models found.');
      return;
    }
    const pick = await vscode.window.showQuickPick(models.map((m) => modelItem(m, ctx.state.model)), { placeHolder: 'Model whose card to open' });
    folder = pick?.folder;
  }
  if (!folder) return;
  const card = vscode.Uri.file(join(folder, 'MODEL_CARD.md'));
  try {
    await vscode.workspace.fs.stat(card);
  } catch {
    void vscode.window.showErrorMessage(`Grain: the model has no MODEL_CARD.md (${card.fsPath}).`);
    return;
  }
  await vscode.commands.executeCommand('markdown.showPreview', card);
}
