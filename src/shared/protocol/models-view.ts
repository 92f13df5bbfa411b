/**
 * Messages between the extension host and its webviews, typed on both ends. Each webview app has
 * its own pair of unions; every message carries a `type` tag so both sides can switch on it
 * exhaustively. Only plain JSON travels (postMessage clones it), never class instances.
 */

/** The model-card facts of one demo model, read from its config.json. */
export interface ModelFacts {
  /** Folder name under models/, which is also how commands refer to the model. */
  id: string;
  /** `name` from config.json (the same as the folder for the bundled models). */
  name: string;
  /** Model kind: `architecture` from config.json (lstm, gpt, bert, ...). */
  kind: string;
  hiddenSize: number;
  /** Names of the points between layers where activations are recorded, input side first. */
  layerBoundaries: string[];
  /** Trainable parameter count, when the card states it. */
  parameters?: number;
  /** Graph input names the ONNX export declares, when the card states them. */
  graphInputs?: string[];
}

/** A demo model folder whose config.json could not be used, and why. */
export interface ModelProblem {
  id: string;
  message: string;
}

/** Host -> Models webview. */
export type HostToModelsView =
  | { type: 'models'; models: ModelFacts[]; problems: ModelProblem[] }
  | { type: 'error'; message: string };

/** Models webview -> host. */
export type ModelsViewToHost =
  /** Sent once the script runs; the host answers with `models`. */
  | { type: 'ready' }
  | { type: 'openModelCard'; id: string };

/**
 * What the Models webview keeps with getState/setState, so a hidden or restored panel shows
 * the same table at once, before the host answers `ready`.
 */
export interface ModelsViewState {
  models: ModelFacts[];
  problems: ModelProblem[];
  /** Id of the row the user picked last, highlighted again after a restore. */
  selected?: string;
}

/** The viewType of the Models webview panel, shared by the host and the serializer. */
export const MODELS_VIEW_TYPE = 'grain.demoModels';
