import type { GraphIndex } from './graph';
import { DataType, type AttributeProto } from './types';

/** Ops whose outputs have a fixed element type whatever they read. */
const FIXED: Record<string, number> = {
  Shape: DataType.INT64,
  Size: DataType.INT64,
  NonZero: DataType.INT64,
  ArgMax: DataType.INT64,
  ArgMin: DataType.INT64,
  Equal: DataType.BOOL,
  Less: DataType.BOOL,
  LessOrEqual: DataType.BOOL,
  Greater: DataType.BOOL,
  GreaterOrEqual: DataType.BOOL,
  Not: DataType.BOOL,
  And: DataType.BOOL,
  Or: DataType.BOOL,
  Xor: DataType.BOOL,
  IsNaN: DataType.BOOL,
  IsInf: DataType.BOOL,
  MatMulInteger: DataType.INT32,
  ConvInteger: DataType.INT32,
  DequantizeLinear: DataType.FLOAT,
  MatMulIntegerToFloat: DataType.FLOAT,
  DynamicQuantizeMatMul: DataType.FLOAT,
};

/**
 * The element type of every tensor the graph declares or computes: declared types first
 * (inputs, outputs, value_info, initializers), then, in topological order, what each op makes
 * of its inputs (Cast to its `to`, comparisons bool, most ops the type of their first input).
 * Enough to tell float16 from float32 sites, which need a Cast before Grain reads or masks them.
 */
export function inferElemTypes(index: GraphIndex): Map<string, number> {
  const { graph } = index;
  const types = new Map<string, number>();
  for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) {
    const t = v.type?.tensorType?.elemType;
    if (v.name && t) types.set(v.name, t);
  }
  for (const t of graph.initializer) if (t.name && t.dataType) types.set(t.name, t.dataType);
  for (const i of index.order) {
    const node = graph.node[i];
    const made = outputType(node.opType ?? '', node.attribute, node.input.map((t) => types.get(t)));
    node.output.forEach((o, k) => {
      if (!o || types.has(o)) return;
      const t = typeof made === 'function' ? made(k) : made;
      if (t) types.set(o, t);
    });
  }
  return types;
}

function outputType(op: string, attrs: AttributeProto[], inputs: (number | undefined)[]): number | undefined | ((k: number) => number | undefined) {
  const attr = (name: string) => attrs.find((a) => a.name === name);
  if (op in FIXED) return FIXED[op];
  switch (op) {
    case 'Cast':
      return attr('to')?.i;
    case 'CastLike':
      return inputs[1];
    case 'Constant':
      return attr('value')?.t?.dataType ?? (attr('value_float') || attr('value_floats') ? DataType.FLOAT : attr('value_int') || attr('value_ints') ? DataType.INT64 : undefined);
    case 'ConstantOfShape':
      return attr('value')?.t?.dataType ?? DataType.FLOAT;
    case 'DynamicQuantizeLinear':
      return (k) => (k === 1 ? DataType.FLOAT : DataType.UINT8);
    case 'QuantizeLinear':
      return inputs[2] ?? DataType.UINT8;
    case 'Where':
      return inputs[1];
    case 'Gather':
    case 'GatherElements':
    case 'GatherND':
      return inputs[0];
    case 'EmbedLayerNormalization':
      return (k) => (k === 1 ? DataType.INT32 : inputs[2]);
    default:
      return inputs[0];
  }
}
