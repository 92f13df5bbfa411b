import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GrainError } from '../errors';

/** `dir` is a model folder (model.onnx + tokenizer) or a path to an .onnx file inside one. */
export function resolveModelPath(dir: string): { dir: string; modelPath: string } {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new GrainError('no such model folder or file', { file: abs });
  if (statSync(abs).isFile()) return { dir: resolve(abs, '..'), modelPath: abs };
  const modelPath = join(abs, 'model.onnx');
  if (!existsSync(modelPath)) {
    throw new GrainError('this folder has no model.onnx: a Grain model folder holds model.onnx plus tokenizer.json and tokenizer_config.json', { file: abs });
  }
  return { dir: abs, modelPath };
}
