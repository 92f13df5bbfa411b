import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ort } from './ort';
import { GrainError } from '../errors';
import { makeTempDir } from '../io/temp';
import { externalWeights, needsModelFile, type OnnxModel } from '../onnx';

export interface SessionOptions {
  threads: number;
}

/** What onnxruntime loads a session from: the graph's bytes or a file, and weights in memory. */
export interface SessionSource {
  model: Uint8Array | string;
  externalData?: { path: string; data: Uint8Array }[];
  /** Removes the temporary folder, if any: call once the session exists. */
  dispose(): void;
}

export function sessionOptions(opts: SessionOptions): ort.InferenceSession.SessionOptions {
  return { intraOpNumThreads: Math.max(1, opts.threads), interOpNumThreads: 1, graphOptimizationLevel: 'all' };
}

/**
 * Where an edited copy of `model` (`bytes`) loads from. A model with external weight files runs
 * from a private temporary folder holding the edited graph and links to its weights (or from
 * memory), never from a file written into the user's model folder.
 */
export function sessionSource(model: OnnxModel, bytes: Uint8Array): SessionSource {
  if (!needsModelFile(model)) return { model: bytes, dispose: () => undefined };
  let temp: { path: string; dispose(): void } | undefined;
  const dispose = () => temp?.dispose();
  try {
    const weights = externalWeights(model, () => (temp = makeTempDir('model')).path);
    if (weights.kind === 'memory') return { model: bytes, externalData: weights.files, dispose };
    const file = join(weights.dir, basename(model.file ?? 'model.onnx'));
    writeFileSync(file, bytes);
    return { model: file, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

export function sessionError(model: OnnxModel, e: unknown): GrainError {
  if (e instanceof GrainError) return e;
  return new GrainError(`onnxruntime could not load the model: ${(e as Error).message}`, { file: model.file });
}

/** An onnxruntime session over an edited copy of `model` (`bytes`), on the calling thread. */
export async function createSession(model: OnnxModel, bytes: Uint8Array, opts: SessionOptions): Promise<ort.InferenceSession> {
  let source: SessionSource | undefined;
  try {
    source = sessionSource(model, bytes);
    const options = { ...sessionOptions(opts), ...(source.externalData ? { externalData: source.externalData } : {}) };
    return typeof source.model === 'string' ? await ort.InferenceSession.create(source.model, options) : await ort.InferenceSession.create(source.model, options);
  } catch (e) {
    throw sessionError(model, e);
  } finally {
    // onnxruntime has read the graph and its weights once the session exists.
    source?.dispose();
  }
}
