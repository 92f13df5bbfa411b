/**
 * Plain-object view of the decoded ONNX messages (protobufjs camelCase names, int64 as number).
 * Only fields Grain reads are typed; absent scalars are undefined, repeated fields are arrays.
 */
export interface StringStringEntryProto {
  key?: string;
  value?: string;
}

export interface OperatorSetIdProto {
  domain?: string;
  version?: number;
}

export interface DimensionProto {
  dimValue?: number;
  dimParam?: string;
}

export interface TensorShapeProto {
  dim: DimensionProto[];
}

export interface TypeProto {
  tensorType?: { elemType?: number; shape?: TensorShapeProto };
  sequenceType?: object;
  mapType?: object;
  optionalType?: object;
  sparseTensorType?: object;
}

export interface ValueInfoProto {
  name?: string;
  type?: TypeProto;
}

export interface TensorProto {
  name?: string;
  dims: number[];
  dataType?: number;
  rawData?: Uint8Array;
  floatData?: number[];
  externalData: StringStringEntryProto[];
  dataLocation?: number;
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  ints: number[];
  floats: number[];
  graphs: GraphProto[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType?: string;
  domain?: string;
  attribute: AttributeProto[];
  /** Exporter annotations, e.g. torch dynamo's `pkg.torch.onnx.name_scopes`. */
  metadataProps: StringStringEntryProto[];
}

export interface GraphProto {
  name?: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
}

export interface ModelProto {
  irVersion?: number;
  opsetImport: OperatorSetIdProto[];
  producerName?: string;
  producerVersion?: string;
  graph?: GraphProto;
}

/** TensorProto.DataType values Grain names. */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  BFLOAT16: 16,
} as const;

const DATA_TYPE_NAMES: Record<number, string> = {
  1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64',
  8: 'string', 9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64',
  16: 'bfloat16',
};

export function dataTypeName(code: number | undefined): string {
  return DATA_TYPE_NAMES[code ?? 0] ?? `type ${code ?? 0}`;
}

/** TensorProto.data_location EXTERNAL. */
export const EXTERNAL_DATA = 1;
