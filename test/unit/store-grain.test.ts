import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { openPaths } from '../helpers/descriptors';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SiteInfo } from '../../src/core/activations';
import { GrainError } from '../../src/core/errors';
import { createSink, GrainStoreReader, GrainStoreWriter, openActivations } from '../../src/core/store';
import { blockChecksum, crc32 as storeCrc32, crc32Combine, jsCrc32 } from '../../src/core/store/checksums';
import { crc32 } from 'node:zlib';

const dir = mkdtempSync(join(tmpdir(), 'grain-store-bad-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const SITES: SiteInfo[] = [
  { name: 'layer1', kind: 'boundary', width: 4 },
  { name: 'layer2', kind: 'boundary', width: 4 },
];

function goodStore(name: string): { path: string; bytes: Buffer } {
  const path = join(dir, name);
  const w = GrainStoreWriter.create(path, { sites: SITES, dtype: 'float32', meta: { a: 1 } });
  w.appendSentence(['a', 'b'], Float32Array.from({ length: 16 }, (_, i) => i));
  w.appendSentence(['c'], Float32Array.from({ length: 8 }, (_, i) => -i));
  w.close();
  return { path, bytes: readFileSync(path) };
}

/** Where the sites JSON starts: after the 128-byte header of format versions 2 and 3. */
const SITES_AT = 128;

function variant(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

function rejects(path: string, pattern: RegExp): void {
  assert.throws(
    () => GrainStoreReader.open(path),
    (e: unknown) => {
      assert.ok(e instanceof GrainError, `expected GrainError, got ${e}`);
      assert.equal(e.where.file, path);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

test('a good store opens (the bad variants below are made from it)', () => {
  const { path } = goodStore('good.grain');
  const r = GrainStoreReader.open(path);
  assert.equal(r.rows, 3);
  assert.deepEqual(Array.from(r.readRows(2, 1)), [-0, -1, -2, -3, -4, -5, -6, -7]);
  r.close();
});

test('wrong magic, future version, unknown dtype', () => {
  const { bytes } = goodStore('base1.grain');
  const magic = Buffer.from(bytes);
  magic.write('NOTGRAIN', 0, 'latin1');
  rejects(variant('magic.grain', magic), /wrong magic/);
  const future = Buffer.from(bytes);
  future.writeUInt32LE(4, 8);
  rejects(variant('future.grain', future), /newer Grain \(store format version 4; this Grain reads up to 3\)/);
  const dtype = Buffer.from(bytes);
  dtype.writeUInt32LE(9, 12);
  rejects(variant('dtype.grain', dtype), /unknown dtype code 9/);
});

test('truncated anywhere: header, data, index or end marker', () => {
  const { bytes } = goodStore('base2.grain');
  for (const keep of [0, 10, 63, 100, 200, bytes.length - 20, bytes.length - 1]) {
    rejects(variant(`cut${keep}.grain`, bytes.subarray(0, keep)), /truncated|only \d+ bytes/);
  }
  // Extra bytes after the end marker are damage too.
  rejects(variant('long.grain', Buffer.concat([bytes, Buffer.from('xx')])), /does not match its index/);
});

test('damaged sites, counts, offsets and token list', () => {
  const { bytes } = goodStore('base3.grain');
  const sites = Buffer.from(bytes);
  sites[SITES_AT] = 0x7d; // "}" where "[" should be
  rejects(variant('sites.grain', sites), /unreadable sites/);
  const neurons = Buffer.from(bytes);
  neurons.writeUInt32LE(9, 16);
  rejects(variant('neurons.grain', neurons), /data size does not match|sites hold/);
  const rows = Buffer.from(bytes);
  rows.writeBigUInt64LE(4n, 24);
  rejects(variant('rows.grain', rows), /data size does not match/);
  const indexOffset = Number(bytes.readBigUInt64LE(48));
  const offsets = Buffer.from(bytes);
  offsets.writeUInt32LE(4, indexOffset + 4); // sentence 1 starts after the last row
  rejects(variant('offsets.grain', offsets), /sentence offsets decrease/);
  const token = Buffer.from(bytes);
  token[indexOffset + 12 + 1] = 0x5d; // break the JSON right after {
  rejects(variant('index.grain', token), /unreadable index/);
  const renamed = Buffer.from(bytes);
  renamed[indexOffset + 12 + 2] = 0x54; // "tokens" -> "Tokens": valid JSON without a token list
  rejects(variant('tokens.grain', renamed), /token list does not hold 3 strings/);
});

test('missing file and openActivations on a damaged store', async () => {
  rejects(join(dir, 'nope.grain'), /not found/);
  const { bytes } = goodStore('base4.grain');
  const path = variant('cut-open.grain', bytes.subarray(0, 100));
  await assert.rejects(openActivations(path), (e: unknown) => e instanceof GrainError && e.where.file === path);
});

test('reading a large store in chunks keeps memory flat (no whole-file buffer)', () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const neurons = 512;
  const rowsPerSentence = 50;
  const sentences = 400; // 20,000 rows x 512 neurons x 4 bytes = 41 MB of data
  const path = join(dir, 'large.grain');
  const w = GrainStoreWriter.create(path, { sites: [{ name: 'h', kind: 'custom', width: neurons }], dtype: 'float32' });
  const rows = new Float32Array(rowsPerSentence * neurons);
  const tokens = Array.from({ length: rowsPerSentence }, (_, i) => `t${i}`);
  for (let s = 0; s < sentences; s++) {
    rows.fill(s);
    w.appendSentence(tokens, rows);
  }
  w.close();
  const fileBytes = statSync(path).size;
  assert.ok(fileBytes > 40e6);

  gc();
  const before = process.memoryUsage().arrayBuffers;
  let peak = 0;
  let seen = 0;
  let sum = 0;
  const r = GrainStoreReader.open(path);
  for (const chunk of r.chunks(500)) {
    sum += chunk.data[0] + chunk.data[chunk.data.length - 1];
    seen += chunk.rows;
    gc();
    peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
  }
  r.close();
  assert.equal(seen, sentences * rowsPerSentence);
  // Chunk c starts at row 500c (sentence 10c) and ends in sentence 10c + 9.
  let want = 0;
  for (let c = 0; c < 40; c++) want += 10 * c + 10 * c + 9;
  assert.equal(sum, want);
  // One 1 MB chunk plus slack, against a 41 MB file.
  assert.ok(peak < 8e6, `array buffers grew by ${(peak / 1e6).toFixed(1)} MB while reading ${(fileBytes / 1e6).toFixed(0)} MB`);
});

test('a flipped byte anywhere is reported: in the data (naming the block, rows and sentences), the index or the header', () => {
  const { bytes } = goodStore('base5.grain');
  const dataAt = Number(bytes.readBigUInt64LE(40));
  const data = Buffer.from(bytes);
  data[dataAt + 17] ^= 0x40;
  const r = GrainStoreReader.open(variant('data.grain', data));
  assert.throws(() => r.readRows(0, 3), (e: unknown) => e instanceof GrainError && /damaged: data block 1 of 1 \(rows 1-3, sentences 1-2\) does not match its checksum/.test(e.message));
  r.close();
  const indexAt = Number(bytes.readBigUInt64LE(48));
  const token = Buffer.from(bytes);
  const json = token.indexOf('"a"', indexAt);
  token[json + 1] = 0x7a; // the token "a" becomes "z": still valid JSON
  rejects(variant('token.grain', token), /damaged: its index \(token list and sentence offsets\) does not match its checksum/);
  const kind = Buffer.from(bytes);
  const at = kind.indexOf('boundary', SITES_AT);
  kind.write('custom\u0000\u0000', at, 'latin1');
  rejects(variant('kind.grain', kind), /unreadable sites|damaged: its header/);
});

test('version 3 checks each data block by its CRC-32: a flipped data byte is named as that block', () => {
  const { path, bytes } = goodStore('v3.grain');
  const r = GrainStoreReader.open(path);
  assert.equal(r.version, 3);
  r.close();
  const index = JSON.parse(bytes.subarray(bytes.indexOf('{"tokens"'), bytes.length - 8).toString('utf8')) as { blocks: string[] };
  // The data: 3 rows x 8 float32 right before the index's sentence offsets.
  const dataAt = bytes.indexOf(Buffer.from(Float32Array.of(0, 1, 2, 3).buffer));
  const data = bytes.subarray(dataAt, dataAt + 3 * 8 * 4);
  assert.deepEqual(index.blocks, [crc32(data).toString(16).padStart(8, '0')]);
  const flipped = Buffer.from(bytes);
  flipped[dataAt + 5] ^= 0x10;
  const damaged = GrainStoreReader.open(variant('v3-flipped.grain', flipped));
  assert.throws(() => damaged.readRows(0, 1), /damaged: data block 1 of 1 \(rows 1-3/);
  damaged.close();
});

test('a version 2 store (SHA-256 block checksums, test/fixtures/stores/v2.grain) is still read and checked', () => {
  const fixture = join(import.meta.dirname, '..', 'fixtures', 'stores', 'v2.grain');
  const r = GrainStoreReader.open(fixture);
  assert.equal(r.version, 2);
  assert.deepEqual(r.tokens, ['a', 'b', 'c']);
  assert.deepEqual(Array.from(r.readRows(2, 1)), [-0, -1, -2, -3, -4, -5, -6, -7]);
  r.close();
  const bytes = readFileSync(fixture);
  const dataAt = bytes.indexOf(Buffer.from(Float32Array.of(0, 1, 2, 3).buffer));
  const flipped = Buffer.from(bytes);
  flipped[dataAt + 5] ^= 0x10;
  const damaged = GrainStoreReader.open(variant('v2-flipped.grain', flipped));
  assert.throws(() => damaged.readRows(0, 1), /damaged: data block 1 of 1/);
  damaged.close();
});

test('the CRC-32 of blocks: zlib\'s where the host has it, the same numbers from the JS loop', () => {
  // The check value of CRC-32 (IEEE): "123456789" -> cbf43926.
  assert.equal(jsCrc32(Buffer.from('123456789', 'latin1')), 0xcbf43926);
  assert.equal(blockChecksum(Buffer.from('123456789', 'latin1')), 'cbf43926');
  const noise = Uint8Array.from({ length: 100_003 }, (_, i) => (i * 2654435761) >>> 24);
  assert.equal(jsCrc32(noise), crc32(noise) >>> 0);
  assert.equal(jsCrc32(new Uint8Array(0)), 0);
});

test('a version 1 store (no checksums) is still read', () => {
  const sites = Buffer.from(JSON.stringify(SITES), 'utf8');
  const dataAt = Math.ceil((64 + sites.length) / 64) * 64;
  const values = Float32Array.from({ length: 24 }, (_, i) => i / 2);
  const offsets = Uint32Array.from([0, 2, 3]);
  const index = Buffer.concat([Buffer.from(offsets.buffer), Buffer.from(JSON.stringify({ tokens: ['a', 'b', 'c'], meta: {} }))]);
  const header = Buffer.alloc(dataAt);
  header.write('GRAINACT', 0, 'latin1');
  header.writeUInt32LE(1, 8);
  header.writeUInt32LE(1, 12);
  header.writeUInt32LE(8, 16);
  header.writeUInt32LE(sites.length, 20);
  header.writeBigUInt64LE(3n, 24);
  header.writeBigUInt64LE(2n, 32);
  header.writeBigUInt64LE(BigInt(dataAt), 40);
  header.writeBigUInt64LE(BigInt(dataAt + values.byteLength), 48);
  header.writeBigUInt64LE(BigInt(index.length), 56);
  sites.copy(header, 64);
  const path = variant('v1.grain', Buffer.concat([header, Buffer.from(values.buffer), index, Buffer.from('GRAINEND', 'latin1')]));
  const r = GrainStoreReader.open(path);
  assert.equal(r.version, 1);
  assert.equal(r.sentenceFingerprints, undefined);
  assert.deepEqual(Array.from(r.readRows(1, 2)), Array.from(values.subarray(8)));
  r.close();
});

/** Open descriptors of this process that point at `path`. */
function descriptorsOn(path: string): number {
  return openPaths().filter((p) => p === path).length;
}

test('a large store is flushed to disk while it is written, on a descriptor of its own that is closed after', { skip: process.platform !== 'linux' }, async () => {
  const sites: SiteInfo[] = [{ name: 'h', kind: 'boundary', width: 1024 }];
  const sentence = new Float32Array(256 * 1024).fill(0.5); // 1 MiB: 256 rows
  const tokens = Array.from({ length: 256 }, (_, i) => `t${i}`);
  for (const end of ['close', 'abort'] as const) {
    const path = join(dir, `early-sync-${end}.grain`);
    const sink = createSink(path, 'grain', { dtype: 'float32' });
    await sink.begin(sites);
    let temp: string | undefined;
    // 36 MiB: past the first early flush (every 8 MiB), which starts during a write, so its
    // descriptor is still open when the append returns (its callback cannot run before).
    for (let s = 0; s < 36; s++) {
      sink.appendRows(tokens, sentence);
      sink.endSentence();
      temp ??= readdirSync(dir).map((f) => join(dir, f)).find((f) => f.includes('early-sync-' + end) && f !== path && descriptorsOn(f) > 0);
    }
    assert.ok(temp, 'the store is written to a temporary file first');
    assert.equal(descriptorsOn(temp), 2, 'the early flush holds a second descriptor while it runs');
    if (end === 'close') {
      await sink.close();
      assert.equal(descriptorsOn(temp), 0);
      assert.equal(descriptorsOn(path), 0);
      const source = await openActivations(path);
      assert.equal(source.rows, 36 * 256);
      source.close();
    } else {
      await sink.abort();
      assert.ok(!existsSync(temp), 'abort removes the temporary file at once');
      // The flush still running keeps its own descriptor (now on a deleted file) until it ends.
      const open = () => openPaths().some((p) => p.startsWith(temp!));
      for (let waited = 0; open() && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
      assert.ok(!open(), 'no descriptor left on the removed file');
      assert.ok(!existsSync(path));
    }
  }
});

test('the CRC-32 of two pieces joined is the CRC-32 of the whole (how rows placed out of order make their blocks\' checksums)', () => {
  const bytes = Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919 + (i >> 3)) & 0xff);
  for (const cut of [0, 1, 3, 1000, 4096, 4999, 5000]) {
    const a = bytes.subarray(0, cut);
    const b = bytes.subarray(cut);
    assert.equal(crc32Combine(storeCrc32(a), storeCrc32(b), b.length), crc32(bytes) >>> 0, `cut at ${cut}`);
  }
  assert.equal(crc32Combine(jsCrc32(bytes.subarray(0, 7)), jsCrc32(bytes.subarray(7)), bytes.length - 7), jsCrc32(bytes));
});

test('rows placed out of order across blocks read back as if appended in order; a hole or a row placed twice is refused', async () => {
  // 300 neurons x 4 bytes: rows of 1,200 bytes, so sentences straddle the 1 MiB blocks.
  const sites: SiteInfo[] = [{ name: 'h', kind: 'boundary', width: 300 }];
  const lengths = Array.from({ length: 200 }, (_, s) => 1 + ((s * 37) % 29));
  const value = (row: number, u: number) => Math.sin(row * 301 + u);
  for (const dtype of ['float32', 'float16'] as const) {
    const path = join(dir, `placed-${dtype}.grain`);
    const w = GrainStoreWriter.create(path, { sites, dtype });
    const first = lengths.map((n, s) => {
      const row = w.reserveRows(Array.from({ length: n }, (_, i) => `s${s}w${i}`));
      w.endSentence([`sentence ${s}`]);
      return row;
    });
    // Every other sentence from the end, then the rest: no block is written front to back.
    const order = [...lengths.keys()].sort((a, b) => (a % 2) - (b % 2) || b - a);
    for (const s of order) w.placeRows(first[s], Float32Array.from({ length: lengths[s] * 300 }, (_, i) => value(first[s] + Math.floor(i / 300), i % 300)));
    w.close();
    const source = await openActivations(path);
    const all = source.readAll();
    const rows = lengths.reduce((a, b) => a + b, 0);
    assert.equal(all.tokens.length, rows);
    assert.ok(rows * 300 * (dtype === 'float32' ? 4 : 2) > 1 << 20, 'more than one data block');
    for (let r = 0; r < rows; r += 97) {
      for (let u = 0; u < 300; u += 13) {
        const want = Math.fround(value(r, u));
        assert.ok(Math.abs(all.data[r * 300 + u] - want) <= (dtype === 'float32' ? 0 : 1e-3), `${dtype} row ${r} unit ${u}`);
      }
    }
    source.close();
  }
  const hole = GrainStoreWriter.create(join(dir, 'hole.grain'), { sites, dtype: 'float32' });
  const a = hole.reserveRows(['a']);
  hole.reserveRows(['b']);
  hole.placeRows(a, new Float32Array(300));
  assert.throws(() => hole.close(), (e: Error) => !(e instanceof GrainError) && /1200 of 2400 data bytes placed at close/.test(e.message));
  const twice = GrainStoreWriter.create(join(dir, 'twice.grain'), { sites, dtype: 'float32' });
  const c = twice.reserveRows(['c']);
  twice.reserveRows(['d']);
  twice.placeRows(c, new Float32Array(300));
  twice.placeRows(c, new Float32Array(300));
  assert.throws(() => twice.close(), /placed twice or not at all/);
  assert.ok(!existsSync(join(dir, 'twice.grain')));
  assert.ok(!existsSync(join(dir, 'hole.grain')), 'nothing under the final name');
});
