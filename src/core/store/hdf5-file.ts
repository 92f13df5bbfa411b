import { writeAll } from '../io/write-all';

/**
 * A writer of the small part of HDF5 that NeuroX activation files use: one group (the root)
 * holding contiguous float32 or float16 datasets and one-element UTF-8 string datasets. The file
 * is written front to back as datasets come (each one's object header, then its values), the
 * root group at the end and the superblock, which points to it, last, at offset 0.
 *
 * Format (HDF5 file format specification 3.0): superblock version 2 and version 2 object headers
 * (both checksummed with Jenkins' lookup3); the root group holds its links in a symbol table, as
 * h5py's groups do. HDF5 1.8 and later read it: h5py (NeuroX), and h5wasm, which Grain reads
 * HDF5 with and the tests check the files with.
 */
export class Hdf5FileWriter {
  private at = SUPERBLOCK_BYTES;
  private readonly links: { name: Buffer; address: number }[] = [];

  constructor(private readonly fd: number) {}

  /**
   * A dataset of `shape` holding `values` (row-major, little-endian): float32, or IEEE float16
   * bits (as NeuroX's dtype float16 writes).
   */
  numbers(name: string, shape: readonly number[], values: Float32Array | Uint16Array): void {
    const count = shape.reduce((a, b) => a * b, 1);
    if (count !== values.length) throw new Error(`Hdf5FileWriter: ${values.length} values for shape ${shape.join(' x ')}`);
    const type = values instanceof Float32Array ? FLOAT32_TYPE : FLOAT16_TYPE;
    this.dataset(name, shape, type, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }

  /** A one-element dataset holding `text` as a fixed-length UTF-8 string (h5py reads it as bytes, json.loads takes them). */
  string(name: string, text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    // A string type holds at least one byte.
    const data = bytes.length > 0 ? bytes : Buffer.alloc(1);
    const type = Buffer.alloc(8);
    type[0] = 0x13; // version 1, class 3 (string)
    type[1] = 0x11; // null-padded, UTF-8
    type.writeUInt32LE(data.length, 4);
    this.dataset(name, [1], type, data);
  }

  /** Writes the root group and the superblock; the file is complete after this. */
  finish(): void {
    const root = this.at;
    // The root's header comes first (its place is known), its symbol table's addresses filled
    // in and the header sealed once that is written.
    const table = Buffer.alloc(16);
    const header = objectHeader([message(MSG_SYMBOL_TABLE, table)]);
    this.append(header);
    const { btree, heap } = this.symbolTable();
    writeAddress(header, 14, btree);
    writeAddress(header, 22, heap);
    writeAll(this.fd, sealed(header), root);
    const superblock = Buffer.alloc(SUPERBLOCK_BYTES);
    SIGNATURE.copy(superblock, 0);
    superblock[8] = 2; // version
    superblock[9] = 8; // size of offsets
    superblock[10] = 8; // size of lengths
    superblock[11] = 0; // file consistency flags
    writeAddress(superblock, 12, 0); // base address
    writeAddress(superblock, 20, UNDEFINED); // superblock extension
    writeAddress(superblock, 28, this.at); // end of file
    writeAddress(superblock, 36, root); // root group object header
    superblock.writeUInt32LE(lookup3(superblock.subarray(0, 44)), 44);
    writeAll(this.fd, superblock, 0);
  }

  /**
   * The root group's links as an "old-style" symbol table, as h5py makes groups by default: a
   * local heap of names, symbol table nodes of up to 8 links sorted by name, and a version 1
   * B-tree over them (nodes of up to 32 children). Readers look a name up in log time; links
   * kept in the group's header instead (compact storage) are scanned in full for each lookup,
   * and reading 20,000 sentences that way took h5py 5 s, 100,000 minutes.
   */
  private symbolTable(): { btree: number; heap: number } {
    const links = [...this.links].sort((x, y) => Buffer.compare(x.name, y.name));
    // The local heap: "" at offset 0 (the B-tree's leftmost key), then each name, NUL-terminated,
    // padded to 8 bytes.
    const names: Buffer[] = [Buffer.alloc(8)];
    const offsetOf = new Map<Buffer, number>();
    let size = 8;
    for (const { name } of links) {
      offsetOf.set(name, size);
      const padded = Buffer.alloc(Math.ceil((name.length + 1) / 8) * 8);
      name.copy(padded);
      names.push(padded);
      size += padded.length;
    }
    const heapData = this.at;
    this.append(Buffer.concat(names));
    const heap = this.at;
    const heapHeader = Buffer.alloc(32);
    heapHeader.write('HEAP', 0, 'latin1');
    heapHeader[4] = 0; // version
    writeLength(heapHeader, 8, size);
    writeLength(heapHeader, 16, 1); // no free block: the library's H5HL_FREE_NULL, 1 (not the undefined address)
    writeAddress(heapHeader, 24, heapData);
    this.append(heapHeader);

    // Symbol table nodes, then each level of the B-tree above them up to a single root node.
    let level: { address: number; last: number }[] = [];
    const leaves = Math.max(1, Math.ceil(links.length / LEAF_LINKS));
    for (let n = 0; n < leaves; n++) {
      const chunk = links.slice(n * LEAF_LINKS, (n + 1) * LEAF_LINKS);
      const node = Buffer.alloc(8 + LEAF_LINKS * 40);
      node.write('SNOD', 0, 'latin1');
      node[4] = 1; // version
      node.writeUInt16LE(chunk.length, 6);
      chunk.forEach((link, i) => {
        writeLength(node, 8 + 40 * i, offsetOf.get(link.name)!);
        writeAddress(node, 16 + 40 * i, link.address);
      });
      level.push({ address: this.at, last: chunk.length > 0 ? offsetOf.get(chunk[chunk.length - 1].name)! : 0 });
      this.append(node);
    }
    for (let depth = 0; ; depth++) {
      const parents: { address: number; last: number }[] = [];
      const count = Math.ceil(level.length / NODE_CHILDREN);
      const first = this.at;
      const addressOf = (k: number) => (k >= 0 && k < count ? first + k * BTREE_NODE_BYTES : UNDEFINED);
      for (let k = 0; k < count; k++) {
        const from = k * NODE_CHILDREN;
        const children = level.slice(from, from + NODE_CHILDREN);
        const node = Buffer.alloc(BTREE_NODE_BYTES);
        node.write('TREE', 0, 'latin1');
        node[4] = 0; // group node
        node[5] = depth;
        node.writeUInt16LE(children.length, 6);
        writeAddress(node, 8, addressOf(k - 1)); // left sibling
        writeAddress(node, 16, addressOf(k + 1)); // right sibling
        // key 0: the name before every child's ("" for the first), then each child and the last name under it.
        writeLength(node, 24, from === 0 ? 0 : level[from - 1].last);
        children.forEach((child, i) => {
          writeAddress(node, 32 + 16 * i, child.address);
          writeLength(node, 40 + 16 * i, child.last);
        });
        parents.push({ address: this.at, last: children[children.length - 1].last });
        this.append(node);
      }
      if (parents.length === 1) return { btree: parents[0].address, heap };
      level = parents;
    }
  }

  private dataset(name: string, shape: readonly number[], type: Buffer, data: Uint8Array): void {
    const nameBytes = Buffer.from(name, 'latin1');
    if (nameBytes.length === 0 || nameBytes.length > 255 || !/^[\x21-\x7e]+$/.test(name) || name.includes('/')) {
      throw new Error(`Hdf5FileWriter: dataset name ${JSON.stringify(name)}`);
    }
    const space = Buffer.alloc(4 + 16 * shape.length);
    space[0] = 2; // version
    space[1] = shape.length;
    space[2] = 1; // maximum dimensions present (equal to the dimensions)
    space[3] = 1; // simple
    shape.forEach((d, i) => {
      writeLength(space, 4 + 8 * i, d);
      writeLength(space, 4 + 8 * (shape.length + i), d);
    });
    const fill = Buffer.from([3, 0x0a]); // version 3; allocated late, written if set, no fill value
    const layout = Buffer.alloc(18);
    layout[0] = 3; // version
    layout[1] = 1; // contiguous
    const messages = [message(MSG_DATASPACE, space), message(MSG_DATATYPE, type, 1), message(MSG_FILL_VALUE, fill, 1), message(MSG_LAYOUT, layout)];
    const header = objectHeader(messages);
    const address = this.at;
    // The layout message points past the header, where the values follow (patched before the
    // checksum); an empty dataset has no storage, whose address is the undefined one.
    const layoutAt = header.length - 4 - 18;
    writeAddress(header, layoutAt + 2, data.length > 0 ? address + header.length : UNDEFINED);
    writeLength(header, layoutAt + 10, data.length);
    this.append(sealed(header));
    this.append(data);
    this.links.push({ name: nameBytes, address });
  }

  private append(bytes: Uint8Array): void {
    writeAll(this.fd, bytes, this.at);
    this.at += bytes.length;
  }
}

const SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
const SUPERBLOCK_BYTES = 48;
const UNDEFINED = -1;

const MSG_DATASPACE = 0x01;
const MSG_DATATYPE = 0x03;
const MSG_FILL_VALUE = 0x05;
const MSG_LAYOUT = 0x08;
const MSG_SYMBOL_TABLE = 0x11;

/** Links per symbol table node: 2 x the group leaf K, 4 by default (a version 2 superblock holds no K). */
const LEAF_LINKS = 8;
/** Children per group B-tree node: 2 x the group internal K, 16 by default. */
const NODE_CHILDREN = 32;
/** A group B-tree node's size, whatever its entries: header, 2K children and 2K + 1 keys (heap offsets). */
const BTREE_NODE_BYTES = 24 + NODE_CHILDREN * 8 + (NODE_CHILDREN + 1) * 8;

/** IEEE 754 float32, little-endian: version 1 class 1, sign at bit 31, exponent 23..30 (bias 127), mantissa 0..22. */
const FLOAT32_TYPE = Buffer.from([0x11, 0x20, 0x1f, 0x00, 4, 0, 0, 0, 0, 0, 32, 0, 23, 8, 0, 23, 127, 0, 0, 0]);

/** IEEE 754 float16, little-endian: sign at bit 15, exponent 10..14 (bias 15), mantissa 0..9 (as h5py writes numpy's float16). */
const FLOAT16_TYPE = Buffer.from([0x11, 0x20, 0x0f, 0x00, 2, 0, 0, 0, 0, 0, 16, 0, 10, 5, 0, 10, 15, 0, 0, 0]);

/** One header message: type, size, flags (bit 0: constant), then its data. */
function message(type: number, data: Buffer, flags = 0): Buffer {
  const out = Buffer.alloc(4 + data.length);
  out[0] = type;
  out.writeUInt16LE(data.length, 1);
  out[3] = flags;
  data.copy(out, 4);
  return out;
}

/** A version 2 object header of one chunk (4-byte chunk size); its checksum is left for sealed(). */
function objectHeader(messages: Buffer[]): Buffer {
  const body = Buffer.concat(messages);
  const out = Buffer.alloc(4 + 1 + 1 + 4 + body.length + 4);
  out.write('OHDR', 0, 'latin1');
  out[4] = 2; // version
  out[5] = 0x02; // flags: chunk 0's size in 4 bytes; no times, no attribute phase change values
  out.writeUInt32LE(body.length, 6);
  body.copy(out, 10);
  return out;
}

/** An object header with its checksum (its last 4 bytes) filled in, once every field is final. */
function sealed(header: Buffer): Buffer {
  header.writeUInt32LE(lookup3(header.subarray(0, header.length - 4)), header.length - 4);
  return header;
}

function writeAddress(buf: Buffer, at: number, address: number): void {
  if (address === UNDEFINED) buf.fill(0xff, at, at + 8);
  else buf.writeBigUInt64LE(BigInt(address), at);
}

const writeLength = writeAddress;

/**
 * Bob Jenkins' lookup3 hashlittle over bytes, initial value 0: the checksum of HDF5's version 2
 * superblocks and object headers (H5_checksum_lookup3).
 */
export function lookup3(k: Uint8Array, initval = 0): number {
  let length = k.length;
  let a = (0xdeadbeef + length + initval) | 0;
  let b = a;
  let c = a;
  let i = 0;
  const rot = (x: number, s: number) => (x << s) | (x >>> (32 - s));
  while (length > 12) {
    a = (a + (k[i] | (k[i + 1] << 8) | (k[i + 2] << 16) | (k[i + 3] << 24))) | 0;
    b = (b + (k[i + 4] | (k[i + 5] << 8) | (k[i + 6] << 16) | (k[i + 7] << 24))) | 0;
    c = (c + (k[i + 8] | (k[i + 9] << 8) | (k[i + 10] << 16) | (k[i + 11] << 24))) | 0;
    // mix(a, b, c)
    a = (a - c) | 0; a ^= rot(c, 4); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 6); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 8); b = (b + a) | 0;
    a = (a - c) | 0; a ^= rot(c, 16); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 19); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 4); b = (b + a) | 0;
    length -= 12;
    i += 12;
  }
  if (length === 0) return c >>> 0;
  // The last 1..12 bytes, little-endian into a, b, c (hashlittle's byte-wise tail).
  const word = (from: number, to: number) => {
    let w = 0;
    for (let j = Math.min(to, i + length) - 1; j >= from; j--) w = (w << 8) | k[j];
    return w;
  };
  a = (a + word(i, i + 4)) | 0;
  if (length > 4) b = (b + word(i + 4, i + 8)) | 0;
  if (length > 8) c = (c + word(i + 8, i + 12)) | 0;
  // final(a, b, c)
  c ^= b; c = (c - rot(b, 14)) | 0;
  a ^= c; a = (a - rot(c, 11)) | 0;
  b ^= a; b = (b - rot(a, 25)) | 0;
  c ^= b; c = (c - rot(b, 16)) | 0;
  a ^= c; a = (a - rot(c, 4)) | 0;
  b ^= a; b = (b - rot(a, 14)) | 0;
  c ^= b; c = (c - rot(b, 24)) | 0;
  return c >>> 0;
}
