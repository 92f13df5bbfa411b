// What activate() hands to the other parts of the extension (reports, editor decorations and
// hovers, commands, side panel): one state, one worker, one log, one results store.
import type * as vscode from 'vscode';
import type { Log } from './log';
import type { ResultsStore } from './results-store';
import type { GrainSettings } from './settings';
import type { GrainState } from './state';
import type { GrainWorker } from './worker-host';

export interface GrainServices {
  state: GrainState;
  worker: GrainWorker;
  log: Log;
  /** Saved results (`.grain/*.json` of the first workspace folder, else global storage). */
  results: ResultsStore;
  extensionUri: vscode.Uri;
  /** The `grain.*` settings as they are now, validated (bad values fall back to defaults). */
  settings(): GrainSettings;
}
