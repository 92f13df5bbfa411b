// Reads the bundled demo models' cards. Plain Node (no `vscode`), so unit tests can use it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GrainError } from '../core/errors';
import type { ModelFacts, ModelProblem } from '../shared/webview-protocol';

export interface DemoModels {
  models: ModelFacts[];
  /** Folders with a model.onnx whose config.json is missing or unusable: shown, not hidden. */
  problems: ModelProblem[];
}

/** Every folder of `modelsDir` that holds a model.onnx, sorted by name. */
export function listDemoModels(modelsDir: string): DemoModels {
  const result: DemoModels = { models: [], problems: [] };
  if (!existsSync(modelsDir)) return result;
  const folders = readdirSync(modelsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(modelsDir, d.name, 'model.onnx')))
    .map((d) => d.name)
    .sort();
  for (const id of folders) {
    try {
      result.models.push(readModelFacts(join(modelsDir, id), id));
    } catch (err) {
      result.problems.push({ id, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return result;
}

/** The card facts of one model folder; GrainError naming config.json when they are unusable. */
export function readModelFacts(folder: string, id: string): ModelFacts {
  const file = join(folder, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new GrainError('config.json is missing: every model folder needs one next to model.onnx', { file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new GrainError(`config.json is not valid JSON (${(err as Error).message})`, { file });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new GrainError('config.json must hold a JSON object', { file });
  }
  const card = raw as Record<string, unknown>;
  const kind = card.architecture;
  if (typeof kind !== 'string' || kind === '') {
    throw new GrainError('"architecture" must be a non-empty string (lstm, gpt, bert, ...)', { file });
  }
  const hiddenSize = card.hidden_size;
  if (typeof hiddenSize !== 'number' || !Number.isInteger(hiddenSize) || hiddenSize <= 0) {
    throw new GrainError(`"hidden_size" must be a positive integer, got ${JSON.stringify(hiddenSize)}`, { file });
  }
  const boundaries = card.layer_boundaries;
  if (!Array.isArray(boundaries) || boundaries.length === 0 || !boundaries.every((b) => typeof b === 'string')) {
    throw new GrainError('"layer_boundaries" must be a non-empty list of names', { file });
  }
  const facts: ModelFacts = {
    id,
    name: typeof card.name === 'string' && card.name !== '' ? card.name : id,
    kind,
    hiddenSize,
    layerBoundaries: boundaries as string[],
  };
  if (typeof card.parameters === 'number') facts.parameters = card.parameters;
  const check = card.onnx_check as { graph_inputs?: unknown } | undefined;
  if (Array.isArray(check?.graph_inputs) && check.graph_inputs.every((g) => typeof g === 'string')) {
    facts.graphInputs = check.graph_inputs as string[];
  }
  return facts;
}
