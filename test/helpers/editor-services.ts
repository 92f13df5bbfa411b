// The services the editor features (decorations, hovers, heat map) get from activate(), built
// for unit tests on the `vscode` stand-in: a real GrainState, ResultsStore, settings reader and
// GrainWorker, the worker's jobs run in-process (InProcessClient).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LogChannel } from './vscode/api';
import { Memento } from './vscode/context';
import { REPO } from './vscode/control';
import { InProcessClient } from './in-process-worker';
import type { GrainServices } from '../../src/extension/services';
import { readSettings } from '../../src/extension/settings';
import { GrainState } from '../../src/extension/state';
import { ResultsStore } from '../../src/extension/results-store';
import { GrainWorker } from '../../src/extension/worker-host';

/**
 * An extension folder laid out as Grain's (models/<id>, models/brown-test-2000.txt) whose demo
 * models are links to the repository's and whose corpus is the first `corpusLines` sentences of
 * brown-test-2000.txt: corpus statistics in about a second instead of ten.
 */
export function demoExtensionRoot(models: string[], corpusLines = 300): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'grain-ext-root-'));
  mkdirSync(join(root, 'models'));
  symlinkSync(join(REPO, 'package.json'), join(root, 'package.json'));
  for (const id of models) symlinkSync(join(REPO, 'models', id), join(root, 'models', id), 'dir');
  const corpus = readFileSync(join(REPO, 'models', 'brown-test-2000.txt'), 'utf8').split('\n').slice(0, corpusLines);
  writeFileSync(join(root, 'models', 'brown-test-2000.txt'), corpus.join('\n') + '\n');
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface EditorServices {
  services: GrainServices;
  client: InProcessClient;
  log: LogChannel;
  workspaceState: Memento;
  globalStorage: vscode.Uri;
  dispose(): void;
}

export function editorServices(extensionRoot: string, resultsDir: string): EditorServices {
  const client = new InProcessClient();
  const log = vscode.window.createOutputChannel('Grain', { log: true }) as LogChannel;
  const workspaceState = new Memento();
  const state = new GrainState(workspaceState);
  const extensionUri = vscode.Uri.file(extensionRoot);
  const worker = new GrainWorker(extensionUri, log, client);
  const storage = mkdtempSync(join(tmpdir(), 'grain-editor-storage-'));
  const services: GrainServices = {
    state,
    worker,
    log,
    results: new ResultsStore(resultsDir, true),
    extensionUri,
    settings: () => readSettings(vscode.workspace.getConfiguration('grain'), 2).settings,
  };
  return {
    services,
    client,
    log,
    workspaceState,
    globalStorage: vscode.Uri.file(storage),
    dispose: () => {
      worker.dispose();
      state.dispose();
      rmSync(storage, { recursive: true, force: true });
    },
  };
}
