// Grain's own HDF5 writer (src/core/store/hdf5-file.ts): lookup3 against Jenkins' published
// values, and files read back by the HDF5 library itself (h5wasm) and, where Debian's
// python3-h5py is installed, by h5py as NeuroX reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hdf5FileWriter, lookup3 } from '../../src/core/store/hdf5-file';

const dir = mkdtempSync(join(tmpdir(), 'grain-hdf5-file-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test("lookup3 (hashlittle) gives Jenkins' published values", () => {
  const text = Buffer.from('Four score and seven years ago');
  assert.equal(lookup3(Buffer.alloc(0)), 0xdeadbeef);
  assert.equal(lookup3(Buffer.alloc(0), 0xdeadbeef), 0xbd5b7dde);
  assert.equal(lookup3(text), 0x17770551);
  assert.equal(lookup3(text, 1), 0xcd628161);
});

/** 9,000 sentence datasets (the group's B-tree has three levels), empty ones, float16, and strings. */
function writeSample(path: string): { values: (i: number) => Float32Array } {
  const fd = openSync(path, 'wx');
  const values = (i: number) => Float32Array.from({ length: 2 * (i % 5) * 3 }, (_, k) => i + k / 8);
  try {
    const w = new Hdf5FileWriter(fd);
    for (let i = 0; i < 9000; i++) w.numbers(String(i), [2, i % 5, 3], values(i));
    w.numbers('half', [2, 2], Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x0001)); // 1, -2, 65504, 2^-24
    w.string('sentence_to_index', JSON.stringify({ 'Été "q"': '0', 'a b': '1' }));
    w.string('nothing', '');
    w.finish();
  } finally {
    closeSync(fd);
  }
  return { values };
}

test('the HDF5 library reads what Grain writes: every dataset, its shape, type and values, and the strings', async () => {
  const path = join(dir, 'sample.h5');
  const { values } = writeSample(path);
  const h5 = await import('h5wasm/node');
  await h5.ready;
  const file = new h5.File(path, 'r');
  try {
    assert.equal(file.keys().length, 9003);
    for (const i of [0, 1, 4, 5, 1234, 2999, 8999]) {
      const d = file.get(String(i)) as InstanceType<typeof h5.Dataset>;
      assert.deepEqual(d.shape, [2, i % 5, 3]);
      assert.equal(d.dtype, '<f');
      assert.deepEqual(Array.from(d.value as Float32Array), Array.from(values(i)));
    }
    const half = file.get('half') as InstanceType<typeof h5.Dataset>;
    assert.equal(half.metadata.size, 2);
    assert.equal(half.metadata.type, 1); // floating point
    const text = (file.get('sentence_to_index') as InstanceType<typeof h5.Dataset>).value as string[];
    assert.deepEqual(JSON.parse(text[0]), { 'Été "q"': '0', 'a b': '1' });
  } finally {
    file.close();
  }
});

/** A Python with h5py: Debian's python3-h5py is for the system Python. */
function pythonWithH5py(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(python, ['-c', 'import h5py'], { stdio: 'ignore' }).status === 0) return python;
  }
  return undefined;
}

const python = pythonWithH5py();

test('h5py reads it as NeuroX does: json.loads of sentence_to_index[0], float32 and float16 datasets', { skip: python ? false : 'no Python with h5py here (Debian: python3-h5py)' }, () => {
  const path = join(dir, 'for-h5py.h5');
  writeSample(path);
  const script = [
    'import h5py, json, sys',
    'f = h5py.File(sys.argv[1], "r")',
    'print(len(f.keys()), sum(f[str(i)].shape[1] for i in range(9000)))',
    'print(json.dumps(json.loads(f["sentence_to_index"][0]), ensure_ascii=False, sort_keys=True))',
    'd = f["1234"]',
    'print(d.dtype, d.shape, d[()].reshape(-1).tolist()[:4])',
    'print(f["2995"].shape, f["half"].dtype, f["half"][()].reshape(-1).tolist())',
  ].join('\n');
  const r = spawnSync(python!, ['-c', script, path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [
    '9003 18000',
    '{"a b": "1", "Été \\"q\\"": "0"}',
    'float32 (2, 4, 3) [1234.0, 1234.125, 1234.25, 1234.375]',
    '(2, 0, 3) float16 [1.0, -2.0, 65504.0, 5.960464477539063e-08]',
  ]);
});
