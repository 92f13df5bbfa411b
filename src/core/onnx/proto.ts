import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';
import { GrainError } from '../errors';
import { readInputBytes } from '../io/read-file';
import { ONNX_PROTO } from './schema';
import { EXTERNAL_DATA, type GraphProto, type ModelProto } from './types';

/**
 * A decoded model. `bytes` are the file as read and stay the source of truth: surgery edits
 * them at the wire level, so fields this schema does not know survive. `proto` is read-only.
 */
export interface OnnxModel {
  file?: string;
  bytes: Uint8Array;
  proto: ModelProto;
  graph: GraphProto;
  /** Files named by initializers stored outside the model (paths relative to its directory). */
  externalData: string[];
}

let root: protobuf.Root | undefined;

/** The protobufjs type of an ONNX message, e.g. `onnxType('NodeProto')`. */
export function onnxType(name: string): protobuf.Type {
  root ??= protobuf.parse(ONNX_PROTO).root;
  return root.lookupType(`onnx.${name}`);
}

export function readOnnxModel(path: string): OnnxModel {
  const bytes = readInputBytes(path);
  const model = decodeOnnxModel(bytes, path);
  for (const location of model.externalData) {
    if (!existsSync(join(dirname(path), location))) {
      throw new GrainError(
        `the model keeps weights in the external file '${location}', which is not in ${dirname(path)}`,
        { file: path },
      );
    }
  }
  return model;
}

export function decodeOnnxModel(bytes: Uint8Array, file?: string): OnnxModel {
  const where = { file: file ?? '<bytes>' };
  const notOnnx = (why: string) => new GrainError(`this file is not an ONNX model: ${why}`, where);
  if (bytes.length === 0) throw notOnnx('the file is empty');
  if (looksLikeText(bytes)) throw notOnnx('it is text (ONNX models are binary protobuf)');
  let proto: ModelProto;
  try {
    const type = onnxType('ModelProto');
    proto = type.toObject(type.decode(bytes), { longs: Number, arrays: true }) as ModelProto;
  } catch (e) {
    throw notOnnx(`protobuf decoding failed (${(e as Error).message}); the file may be truncated or of another format`);
  }
  if (!proto.irVersion) throw notOnnx('it has no ir_version');
  if (!proto.graph) throw notOnnx('it has no graph');
  if (proto.opsetImport.length === 0) throw notOnnx('it has no opset_import (truncated file?)');
  if (proto.graph.node.length === 0) throw notOnnx('its graph has no nodes');
  return { file, bytes, proto, graph: proto.graph, externalData: externalLocations(proto.graph) };
}

/** Serialize a model built as a plain object (tests and fixtures build models this way). */
export function encodeModelProto(proto: object): Uint8Array {
  const type = onnxType('ModelProto');
  return type.encode(type.fromObject(proto)).finish();
}

/** Printable ASCII throughout the first bytes: JSON, a config, a README saved as .onnx. */
function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 256);
  for (let i = 0; i < n; i++) {
    const c = bytes[i];
    if (c < 0x09 || (c > 0x0d && c < 0x20) || c > 0x7e) return false;
  }
  return true;
}

function externalLocations(graph: GraphProto): string[] {
  const found = new Set<string>();
  for (const t of graph.initializer) {
    if (t.dataLocation !== EXTERNAL_DATA) continue;
    const location = t.externalData.find((e) => e.key === 'location')?.value;
    if (location) found.add(location);
  }
  return [...found];
}
