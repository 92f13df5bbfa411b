import { ort } from './ort';
import { GrainError } from '../errors';
import { needsModelFile, writeBesideModel, type OnnxModel } from '../onnx';

export interface SessionOptions {
  threads: number;
}

/**
 * An onnxruntime session over an edited copy of `model` (`bytes`). Models with external weight
 * files are loaded from a temporary file beside the original, since ORT resolves those files
 * relative to the model file.
 */
export async function createSession(model: OnnxModel, bytes: Uint8Array, opts: SessionOptions, tag: string): Promise<ort.InferenceSession> {
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: Math.max(1, opts.threads),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  };
  const file = needsModelFile(model) ? writeBesideModel(model, bytes, tag) : undefined;
  try {
    return file ? await ort.InferenceSession.create(file.path, options) : await ort.InferenceSession.create(bytes, options);
  } catch (e) {
    throw new GrainError(`onnxruntime could not load the model: ${(e as Error).message}`, { file: model.file });
  } finally {
    file?.dispose();
  }
}
