// Choose Model, Use This Model, Add Model Folder..., Open Model Card.
import * as vscode from 'vscode';
import { dirname, join } from 'node:path';
import type { CommandContext } from './context';
import { folderOfArg } from '../command-args';
import { showError } from '../notify';
import { splitProblem } from '../error-text';
import { checkModelFolder, currentVariantIn, formatBytes, modelPathEntry, modelSummary, variantPath, type KnownModel } from '../known-models';

type ModelPick = vscode.QuickPickItem & { folder?: string; browse?: true };

const FOLDER_HINT = 'a folder with an .onnx model (at the root or in onnx/) and tokenizer.json';


export async function chooseModel(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const given = folderOfArg(arg);
  if (given) return useFolder(ctx, given);
  const models = ctx.models();
  const current = ctx.state.model;
  const items: ModelPick[] = models.map((m) => modelItem(m, current));
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
  items.push({ label: '$(folder-opened) Browse...', description: FOLDER_HINT, browse: true });
  const pick = await vscode.window.showQuickPick(items, { title: 'Grain: Choose Model', placeHolder: 'Model to analyse', matchOnDescription: true });
  if (!pick) return undefined;
  if (pick.browse) {
    const folder = await browseForModelFolder('Use This Model', `Grain: ${FOLDER_HINT}`);
    return folder ? useFolder(ctx, folder) : undefined;
  }
  return pick.folder ? useFolder(ctx, pick.folder) : undefined;
}

async function browseForModelFolder(openLabel: string, title: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel,
    // Start in the workspace, not next to whatever file is open (often .grain/).
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    title,
  });
  return picked?.[0]?.fsPath;
}

export function modelItem(m: KnownModel, current: string | undefined): ModelPick {
  const variant = currentVariantIn(m, current);
  const tag = m.source === 'demo' ? ' · demo' : '';
  return {
    label: `${variant !== undefined ? '$(check) ' : ''}${m.id}`,
    description: m.facts ? `${modelSummary(m.facts)}${tag}` : `unusable${tag}`,
    detail: m.problem ? `cannot be used: ${splitProblem({ message: m.problem }).reason}` : m.source === 'demo' ? 'a demo model, bundled with Grain' : vscode.workspace.asRelativePath(m.folder),
    folder: m.folder,
  };
}

/** Makes `folder` (a model folder or an .onnx file) the current model; a folder of several variants asks which. */
async function useFolder(ctx: CommandContext, folder: string): Promise<string | undefined> {
  const checked = checkModelFolder(folder);
  if ('error' in checked) {
    void showError({ message: checked.error, file: checked.file, line: checked.line }, { what: 'Choose Model', log: ctx.log });
    return undefined;
  }
  const { facts, scan } = checked;
  let model = folder;
  if (!scan.givenFile && facts.variants.length > 1) {
    const picked = await vscode.window.showQuickPick(
      facts.variants.map((v) => ({
        label: v.name,
        description: [v.isDefault ? 'default' : '', v.precision === 'full' ? 'full precision' : v.precision, formatBytes(v.bytes)].filter(Boolean).join(' · '),
        detail: v.relative,
        name: v.name,
      })),
      {
        title: `Grain: which graph of ${facts.name}?`,
        placeHolder: facts.defaultVariant ? `${facts.defaultVariant} is the full-precision default` : 'This folder has no default graph: pick one',
      },
    );
    if (!picked) return undefined;
    model = variantPath(folder, scan, picked.name);
  }
  ctx.state.setModel(model);
  ctx.log.info(`current model: ${model} (${modelSummary(facts)})`);
  return model;
}

/**
 * Add Model Folder...: a folder (any layout Grain takes) into grain.modelPaths, in the workspace
 * or the user settings as the user says; a folder that is no model is refused with the reason.
 */
export async function addModelFolder(ctx: CommandContext, arg?: unknown): Promise<string | undefined> {
  const folder = folderOfArg(arg) ?? (await browseForModelFolder('Add Model Folder', `Grain: add a model folder (${FOLDER_HINT})`));
  if (!folder) return undefined;
  const checked = checkModelFolder(folder);
  if ('error' in checked) {
    void showError({ message: checked.error, file: checked.file, line: checked.line }, { what: 'Add Model Folder', log: ctx.log });
    return undefined;
  }
  const listed = ctx.models().find((m) => m.facts && currentVariantIn(m, folder) !== undefined);
  if (listed) {
    void vscode.window.showInformationMessage(`Grain: ${checked.facts.name} is already in the Models view (${listed.source === 'demo' ? 'a demo model' : listed.folder}).`);
    return listed.folder;
  }
  const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const targets: (vscode.QuickPickItem & { target: 'workspace' | 'user' })[] = [];
  if (workspaceFolder) {
    targets.push({
      label: 'Workspace settings',
      description: `.vscode/settings.json of ${workspaceFolder}`,
      detail: vscode.workspace.isTrusted ? 'Listed for this workspace only' : 'Read only once you trust this workspace (Restricted Mode ignores workspace grain.modelPaths)',
      target: 'workspace',
    });
  }
  targets.push({ label: 'User settings', description: 'every workspace', detail: 'Listed in every window', target: 'user' });
  const where = await vscode.window.showQuickPick(targets, { title: `Grain: add ${checked.facts.name} to grain.modelPaths in…` });
  if (!where) return undefined;
  const config = vscode.workspace.getConfiguration('grain');
  const inspected = config.inspect<string[]>('modelPaths');
  const existing = (where.target === 'workspace' ? inspected?.workspaceValue : inspected?.globalValue) ?? [];
  const entry = modelPathEntry(folder, workspaceFolder, where.target);
  await config.update('modelPaths', [...existing, entry], where.target === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  ctx.log.info(`Add Model Folder: ${folder} added to grain.modelPaths (${where.label}) as ${JSON.stringify(entry)}`);
  void vscode.window.showInformationMessage(`Grain: added ${checked.facts.name} (${modelSummary(checked.facts)}) to the Models view.`, 'Use This Model').then((choice) => {
    if (choice === 'Use This Model') void vscode.commands.executeCommand('grain.useModel', folder);
  });
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
  const checked = checkModelFolder(folder);
  const card = 'facts' in checked ? checked.facts.files.card : undefined;
  const uri = vscode.Uri.file(card ?? join('facts' in checked ? checked.facts.dir : folder, 'MODEL_CARD.md'));
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    void showError({ message: 'the model has no MODEL_CARD.md or README.md', file: dirname(uri.fsPath) });
    return;
  }
  await vscode.commands.executeCommand('markdown.showPreview', uri);
}
