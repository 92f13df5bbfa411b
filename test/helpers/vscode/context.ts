// Mementos (stored as JSON, as VS Code stores them: a value is copied, never kept by reference)
// and the ExtensionContext activate() gets.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as vscode from 'vscode';
import { ExtensionMode, Uri } from './types';

export class Memento implements vscode.Memento {
  private readonly values = new Map<string, string>();
  /** Every update, in order (key and the JSON stored). */
  readonly writes: { key: string; json: string | undefined }[] = [];

  keys(): readonly string[] {
    return [...this.values.keys()];
  }

  get<T>(key: string, defaultValue?: T): T | undefined {
    const json = this.values.get(key);
    return json === undefined ? defaultValue : (JSON.parse(json) as T);
  }

  update(key: string, value: unknown): Thenable<void> {
    const json = value === undefined ? undefined : JSON.stringify(value);
    if (json === undefined) this.values.delete(key);
    else this.values.set(key, json);
    this.writes.push({ key, json });
    return Promise.resolve();
  }

  setKeysForSync(): void {}
}

export interface StandInContext {
  context: vscode.ExtensionContext;
  workspaceState: Memento;
  globalState: Memento;
  /** Disposes what activate() pushed, newest first, as VS Code does on deactivation. */
  dispose(): void;
}

/** An ExtensionContext for the extension at `extensionPath` (its package.json is read). */
export function createExtensionContext(extensionPath: string, options: { workspaceState?: Memento; storage?: string } = {}): StandInContext {
  const packageJSON = JSON.parse(readFileSync(join(extensionPath, 'package.json'), 'utf8')) as { publisher: string; name: string };
  const storage = options.storage ?? mkdtempSync(join(tmpdir(), 'grain-standin-storage-'));
  const workspaceState = options.workspaceState ?? new Memento();
  const globalState = new Memento();
  const extensionUri = Uri.file(extensionPath);
  const subscriptions: { dispose(): unknown }[] = [];
  const id = `${packageJSON.publisher}.${packageJSON.name}`;
  const context = {
    subscriptions,
    workspaceState,
    globalState,
    extensionUri,
    extensionPath,
    storageUri: Uri.file(join(storage, 'workspace')),
    storagePath: join(storage, 'workspace'),
    globalStorageUri: Uri.file(join(storage, 'global')),
    globalStoragePath: join(storage, 'global'),
    logUri: Uri.file(join(storage, 'log')),
    logPath: join(storage, 'log'),
    extensionMode: ExtensionMode.Test,
    asAbsolutePath: (relativePath: string) => join(extensionPath, relativePath),
    extension: { id, extensionUri, extensionPath, isActive: true, packageJSON, extensionKind: 2, exports: undefined, activate: () => Promise.resolve(undefined) },
  };
  return {
    // The parts of ExtensionContext Grain reads are all here; secrets, environment variables and
    // language model access are not modelled, hence the one cast.
    context: context as unknown as vscode.ExtensionContext,
    workspaceState,
    globalState,
    dispose: () => {
      for (const d of subscriptions.splice(0).reverse()) d.dispose();
    },
  };
}
