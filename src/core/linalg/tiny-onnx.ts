/**
 * A minimal ONNX protobuf writer for the one-node graphs the linalg kernels need. It encodes only
 * the fields listed below (field numbers from onnx.proto); it is deliberately independent of
 * src/core/onnx, which reads and edits full models.
 */

const FLOAT = 1; // TensorProto.DataType.FLOAT
const ATTR_INT = 2; // AttributeProto.AttributeType.INT
const ATTR_FLOAT = 1;

class Writer {
  private parts: number[] = [];

  varint(v: number): this {
    // Field values here are small non-negative integers, so Number arithmetic is exact.
    while (v > 0x7f) {
      this.parts.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    this.parts.push(v);
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  int(field: number, v: number): this {
    return this.tag(field, 0).varint(v);
  }

  float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.tag(field, 5);
    for (const x of b) this.parts.push(x);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(data.length);
    for (const x of data) this.parts.push(x);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** A 2-D float tensor input/output; dims are symbolic names or fixed sizes. */
export interface TensorSpec {
  name: string;
  dims: (string | number)[];
}

export interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  intAttrs?: Record<string, number>;
  floatAttrs?: Record<string, number>;
}

export interface GraphSpec {
  node: NodeSpec;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  opset: number;
}

function valueInfo(w: Writer, spec: TensorSpec): void {
  w.string(1, spec.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, FLOAT);
      tensor.message(2, (shape) => {
        for (const d of spec.dims) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

/** Serialises a ModelProto holding a single-node graph. */
export function encodeSingleNodeModel(spec: GraphSpec): Uint8Array {
  const model = new Writer();
  model.int(1, 8); // ir_version 8 (ONNX 1.10+), supported by every current runtime
  model.string(2, 'grain-linalg');
  model.message(7, (graph) => {
    graph.message(1, (node) => {
      for (const i of spec.node.inputs) node.string(1, i);
      for (const o of spec.node.outputs) node.string(2, o);
      node.string(3, spec.node.opType.toLowerCase());
      node.string(4, spec.node.opType);
      for (const [name, v] of Object.entries(spec.node.intAttrs ?? {})) {
        node.message(5, (a) => a.string(1, name).int(3, v).int(20, ATTR_INT));
      }
      for (const [name, v] of Object.entries(spec.node.floatAttrs ?? {})) {
        node.message(5, (a) => a.string(1, name).float(2, v).int(20, ATTR_FLOAT));
      }
    });
    graph.string(2, 'g');
    for (const i of spec.inputs) graph.message(11, (w) => valueInfo(w, i));
    for (const o of spec.outputs) graph.message(12, (w) => valueInfo(w, o));
  });
  model.message(8, (op) => op.string(1, '').int(2, spec.opset));
  return model.finish();
}
