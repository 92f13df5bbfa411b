import { resolveModelFolder } from '../model/folder';

/**
 * `dirOrFile` is a model folder (optimum or transformers.js layout) or an .onnx file inside one:
 * `dir` is the folder holding the tokenizer, `modelPath` the .onnx file to run (the default
 * variant for a folder). Every problem is a GrainError naming the folder or file; see
 * src/core/model/folder.ts.
 */
export function resolveModelPath(dirOrFile: string): { dir: string; modelPath: string } {
  const { dir, modelPath } = resolveModelFolder(dirOrFile);
  return { dir, modelPath };
}
