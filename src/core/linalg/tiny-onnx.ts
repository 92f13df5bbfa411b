/**
 * A minimal ONNX protobuf writer for the small graphs the linalg kernels need (a Gemm, the
 * probe's fused training step). It encodes only the fields listed below (field numbers from
 * onnx.proto); it is deliberately independent of src/core/onnx, which reads and edits full
 * models.
 */

/** TensorProto.DataType codes of the element types used here. */
export const ELEM = { float: 1, int32: 6, int64: 7, bool: 9, double: 11 } as const;
export type ElemType = keyof typeof ELEM;

const ATTR_FLOAT = 1; // AttributeProto.AttributeType
const ATTR_INT = 2;
const ATTR_INTS = 7;

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

  /** A signed int64 as protobuf's varint (two's complement, 10 bytes when negative). */
  int64(v: number): this {
    if (v >= 0) return this.varint(v);
    let big = BigInt.asUintN(64, BigInt(v));
    while (big > 0x7fn) {
      this.parts.push(Number(big & 0x7fn) | 0x80);
      big >>= 7n;
    }
    this.parts.push(Number(big));
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  int(field: number, v: number): this {
    return this.tag(field, 0).int64(v);
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

/** A graph input/output; dims are symbolic names or fixed sizes ([] is a scalar). */
export interface TensorSpec {
  name: string;
  dims: (string | number)[];
  /** Default float. */
  elem?: ElemType;
}

export interface NodeSpec {
  opType: string;
  inputs: string[];
  outputs: string[];
  intAttrs?: Record<string, number>;
  intsAttrs?: Record<string, number[]>;
  floatAttrs?: Record<string, number>;
}

/** A constant tensor of the graph (small: axes, depths, scalars). */
export interface InitializerSpec {
  name: string;
  dims: number[];
  elem: 'float' | 'int64';
  values: number[];
}

export interface GraphSpec {
  nodes: NodeSpec[];
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  initializers?: InitializerSpec[];
  opset: number;
}

function valueInfo(w: Writer, spec: TensorSpec): void {
  w.string(1, spec.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ELEM[spec.elem ?? 'float']);
      tensor.message(2, (shape) => {
        for (const d of spec.dims) {
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
        }
      });
    }),
  );
}

function initializer(w: Writer, spec: InitializerSpec): void {
  for (const d of spec.dims) w.int(1, d);
  w.int(2, ELEM[spec.elem]);
  w.string(8, spec.name);
  const raw = spec.elem === 'float' ? new Uint8Array(Float32Array.from(spec.values).buffer) : new Uint8Array(BigInt64Array.from(spec.values, (v) => BigInt(v)).buffer);
  w.bytes(9, raw);
}

/** Serialises a ModelProto holding the graph. */
export function encodeGraphModel(spec: GraphSpec): Uint8Array {
  const model = new Writer();
  model.int(1, 8); // ir_version 8 (ONNX 1.10+), supported by every current runtime
  model.string(2, 'grain-linalg');
  model.message(7, (graph) => {
    spec.nodes.forEach((n, k) =>
      graph.message(1, (node) => {
        for (const i of n.inputs) node.string(1, i);
        for (const o of n.outputs) node.string(2, o);
        node.string(3, `${n.opType.toLowerCase()}${k}`);
        node.string(4, n.opType);
        for (const [name, v] of Object.entries(n.intAttrs ?? {})) node.message(5, (a) => a.string(1, name).int(3, v).int(20, ATTR_INT));
        for (const [name, vs] of Object.entries(n.intsAttrs ?? {})) {
          node.message(5, (a) => {
            a.string(1, name);
            for (const v of vs) a.int(8, v);
            a.int(20, ATTR_INTS);
          });
        }
        for (const [name, v] of Object.entries(n.floatAttrs ?? {})) node.message(5, (a) => a.string(1, name).float(2, v).int(20, ATTR_FLOAT));
      }),
    );
    graph.string(2, 'g');
    for (const t of spec.initializers ?? []) graph.message(5, (w) => initializer(w, t));
    for (const i of spec.inputs) graph.message(11, (w) => valueInfo(w, i));
    for (const o of spec.outputs) graph.message(12, (w) => valueInfo(w, o));
  });
  model.message(8, (op) => op.string(1, '').int(2, spec.opset));
  return model.finish();
}

/** A ModelProto holding a single-node graph. */
export function encodeSingleNodeModel(spec: { node: NodeSpec; inputs: TensorSpec[]; outputs: TensorSpec[]; opset: number }): Uint8Array {
  return encodeGraphModel({ nodes: [spec.node], inputs: spec.inputs, outputs: spec.outputs, opset: spec.opset });
}

/**
 * Builds a graph op by op, naming intermediate values itself, so that a fused kernel reads as
 * the formula it computes: `const w = g.op('Mul', [v, invSigma])`.
 */
export class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly inputs: TensorSpec[] = [];
  readonly outputs: TensorSpec[] = [];
  readonly initializers: InitializerSpec[] = [];
  private count = 0;

  input(name: string, dims: (string | number)[], elem: ElemType = 'float'): string {
    this.inputs.push({ name, dims, elem });
    return name;
  }

  /** A constant: a float scalar by default. */
  constant(values: number | number[], elem: 'float' | 'int64' = 'float'): string {
    const name = `c${this.initializers.length}`;
    const list = typeof values === 'number' ? [values] : values;
    this.initializers.push({ name, dims: typeof values === 'number' ? [] : [list.length], elem, values: list });
    return name;
  }

  /** One node; its output is named `attrs.out` (a graph output) or gets a fresh name. */
  op(opType: string, inputs: string[], attrs: { ints?: Record<string, number>; intLists?: Record<string, number[]>; out?: string } = {}): string {
    const out = attrs.out ?? `${opType.toLowerCase()}_${this.count++}`;
    this.nodes.push({ opType, inputs, outputs: [out], intAttrs: attrs.ints, intsAttrs: attrs.intLists });
    return out;
  }

  /** Declares a graph output; the node that computes it names it with `out`. */
  output(name: string, dims: (string | number)[], elem: ElemType = 'float'): string {
    this.outputs.push({ name, dims, elem });
    return name;
  }

  encode(opset = 13): Uint8Array {
    return encodeGraphModel({ nodes: this.nodes, inputs: this.inputs, outputs: this.outputs, initializers: this.initializers, opset });
  }
}
