import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { GrainError } from '../errors';
import type { OnnxModel } from './proto';

/**
 * Models whose weights live in external files name those files relative to the model's
 * directory, and ORT resolves them relative to the model *file*: a session created from bytes
 * cannot find them. Such models are run from a file written next to the original; call
 * `dispose` when the session is created (ORT has read the graph by then).
 */
export interface ModelFile {
  path: string;
  dispose(): void;
}

export function needsModelFile(model: OnnxModel): boolean {
  return model.externalData.length > 0;
}

export function writeBesideModel(model: OnnxModel, bytes: Uint8Array, tag: string): ModelFile {
  if (!model.file) throw new GrainError('a model with external data must be read from a file');
  const dir = dirname(model.file);
  const path = join(dir, `.${basename(model.file, '.onnx')}.${tag}.${process.pid}.onnx`);
  const partial = `${path}.partial`;
  try {
    writeFileSync(partial, bytes);
    renameSync(partial, path);
  } catch (e) {
    rmSync(partial, { force: true });
    throw new GrainError(`cannot write the edited model next to the original (its weights are external files): ${(e as Error).message}`, {
      file: path,
    });
  }
  return { path, dispose: () => rmSync(path, { force: true }) };
}
