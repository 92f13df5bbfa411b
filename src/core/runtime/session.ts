import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ort } from './ort';
import { GrainError } from '../errors';
import { makeTempDir } from '../io/temp';
import { externalWeights, needsModelFile, type OnnxModel } from '../onnx';

export interface SessionOptions {
  threads: number;
}

/**
 * An onnxruntime session over an edited copy of `model` (`bytes`). A model with external weight
 * files runs from a private temporary folder holding the edited graph and links to its weights
 * (or from memory), never from a file written into the user's model folder.
 */
export async function createSession(model: OnnxModel, bytes: Uint8Array, opts: SessionOptions): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: Math.max(1, opts.threads),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  let temp: { path: string; dispose(): void } | undefined;
  try {
    if (!needsModelFile(model)) return await ort.InferenceSession.create(bytes, options);
    const weights = externalWeights(model, () => (temp = makeTempDir('model')).path);
    if (weights.kind === 'memory') return await ort.InferenceSession.create(bytes, { ...options, externalData: weights.files });
    const file = join(weights.dir, basename(model.file ?? 'model.onnx'));
    writeFileSync(file, bytes);
    return await ort.InferenceSession.create(file, options);
  } catch (e) {
    if (e instanceof GrainError) throw e;
    throw new GrainError(`onnxruntime could not load the model: ${(e as Error).message}`, { file: model.file });
  } finally {
    // onnxruntime has read the graph and its weights once the session exists.
    temp?.dispose();
  }
}
