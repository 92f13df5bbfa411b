import protobuf from 'protobufjs';

/**
 * Protobuf wire-level editing: fields are copied byte for byte unless an edit touches them,
 * so whatever the schema in schema.ts does not know (newer ONNX fields, extensions) survives.
 */
export interface WireField {
  no: number;
  wireType: number;
  /** Offset of the tag. */
  start: number;
  /** Offset of the value (after the length prefix for length-delimited fields). */
  valueStart: number;
  end: number;
}

export const LEN = 2;

export function scanFields(buf: Uint8Array, start = 0, end = buf.length): WireField[] {
  const reader = protobuf.Reader.create(buf);
  reader.pos = start;
  reader.len = end;
  const fields: WireField[] = [];
  while (reader.pos < end) {
    const at = reader.pos;
    const tag = reader.uint32();
    const wireType = tag & 7;
    let valueStart = reader.pos;
    if (wireType === LEN) {
      const length = reader.uint32();
      valueStart = reader.pos;
      reader.skip(length);
    } else {
      reader.skipType(wireType);
    }
    fields.push({ no: tag >>> 3, wireType, start: at, valueStart, end: reader.pos });
  }
  return fields;
}

export function fieldString(buf: Uint8Array, f: WireField): string {
  return protobuf.util.utf8.read(buf, f.valueStart, f.end);
}

/** Collects output chunks without copying until `finish`. */
export class ChunkWriter {
  private chunks: Uint8Array[] = [];
  private size = 0;

  raw(bytes: Uint8Array): this {
    this.chunks.push(bytes);
    this.size += bytes.length;
    return this;
  }

  copy(buf: Uint8Array, f: WireField): this {
    return this.raw(buf.subarray(f.start, f.end));
  }

  /** A length-delimited field: tag, length, payload. */
  message(no: number, payload: Uint8Array): this {
    this.raw(protobuf.Writer.create().uint32((no << 3) | LEN).uint32(payload.length).finish());
    return this.raw(payload);
  }

  string(no: number, value: string): this {
    return this.raw(protobuf.Writer.create().uint32((no << 3) | LEN).string(value).finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}
