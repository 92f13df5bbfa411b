// Reads the bundled demo models' cards (Grain's own config.json), for the Demo Models panel; the
// Models view takes any model folder (src/core/model/folder.ts). Plain Node (no `vscode`).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { GrainError } from '../core/errors';
import { parseModelCard } from '../core/model/folder';
import { isRecord, readJsonFile } from '../core/io/json-file';
import type { ModelFacts, ModelProblem } from '../shared/protocol/models-view';

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
  if (!existsSync(file)) throw new GrainError('config.json is missing: every demo model folder holds its card next to model.onnx', { file });
  // A syntax error names the file and line.
  const raw = readJsonFile(file);
  if (!isRecord(raw)) throw new GrainError('config.json must hold a JSON object', { file });
  const card = parseModelCard(raw, file);
  const facts: ModelFacts = { id, name: card.name ?? id, kind: card.kind, hiddenSize: card.hiddenSize, layerBoundaries: card.layerBoundaries };
  if (card.parameters !== undefined) facts.parameters = card.parameters;
  if (card.graphInputs) facts.graphInputs = card.graphInputs;
  return facts;
}
