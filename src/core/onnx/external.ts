import { closeSync, constants as fsConstants, linkSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { dirname, join } from 'node:path';
import { GrainError } from '../errors';
import type { OnnxModel } from './proto';

export function needsModelFile(model: OnnxModel): boolean {
  return model.externalData.length > 0;
}

/**
 * How onnxruntime gets an edited model's external weight files. It resolves them relative to
 * the model file and refuses paths that leave that folder (symbolic links included), so the
 * edited graph cannot simply be written elsewhere. Grain never writes into the model's folder:
 * the weights are hard-linked beside the edited graph in a private temporary folder (no copy,
 * no memory) when the file system allows it, and else handed to onnxruntime in memory.
 */
export type ExternalWeights = { kind: 'linked'; dir: string } | { kind: 'memory'; files: { path: string; data: Uint8Array }[] };

export function externalWeights(model: OnnxModel, tempDir: () => string): ExternalWeights {
  if (!model.file) throw new GrainError('a model with external weight files must be read from a file');
  const source = dirname(model.file);
  const dir = tempDir();
  try {
    for (const location of model.externalData) {
      mkdirSync(dirname(join(dir, location)), { recursive: true });
      linkSync(join(source, location), join(dir, location));
    }
    return { kind: 'linked', dir };
  } catch {
    // Another file system than the temp folder's, or files we may not link: read them instead.
  }
  const files = model.externalData.map((location) => ({ path: location, data: readWhole(join(source, location), model.file!) }));
  return { kind: 'memory', files };
}

function readWhole(path: string, modelFile: string): Uint8Array {
  const size = statSync(path).size;
  if (size > bufferConstants.MAX_LENGTH) {
    throw new GrainError(
      `the external weight file ${path} (${(size / 2 ** 30).toFixed(1)} GiB) is on another file system than the temporary folder ` +
        'and too large to pass in memory; set TMPDIR to a folder on the same file system as the model',
      { file: modelFile },
    );
  }
  const data = Buffer.allocUnsafe(size);
  const fd = openSync(path, fsConstants.O_RDONLY);
  try {
    for (let at = 0; at < size; ) {
      const n = readSync(fd, data, at, Math.min(1 << 30, size - at), at);
      if (n === 0) throw new GrainError(`the external weight file ${path} ended early`, { file: modelFile });
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return data;
}
