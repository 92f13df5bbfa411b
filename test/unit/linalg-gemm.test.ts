import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createGemm, measureGflops, type Gemm } from '../../src/core/linalg/gemm';
import { GrainError } from '../../src/core/errors';

function rand(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** Float64 reference: C = op(A) op(B) with element accessors. */
function reference(m: number, k: number, n: number, a: (i: number, p: number) => number, b: (p: number, j: number) => number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
    c[i * n + j] = s;
  }
  return c;
}

function assertClose(got: Float32Array, want: Float64Array, k: number): void {
  assert.equal(got.length, want.length);
  // float32 accumulation over k terms of magnitude <= 0.25
  const tol = 1e-6 * k + 1e-6;
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
  assert.ok(worst <= tol, `max abs error ${worst} > ${tol}`);
}

const shapes: [number, number, number][] = [
  [1, 1, 1], [1, 257, 1], [1, 300, 7], [7, 300, 1], [37, 53, 29], [67, 131, 45], [129, 1, 65], [200, 513, 3],
];

let ort: Gemm;
let ortParallel: Gemm;
let js: Gemm;
after(async () => {
  await ort?.dispose();
  await ortParallel?.dispose();
  await js?.dispose();
});

test('ab, atb, abt match a float64 triple loop on odd shapes (serial, parallel and JS paths)', async () => {
  ort = await createGemm({ smallProduct: 0 });
  ortParallel = await createGemm({ smallProduct: 0, parallelProduct: 0, threads: 2 });
  js = await createGemm({ smallProduct: Number.MAX_SAFE_INTEGER });
  for (const g of [ort, ortParallel, js]) {
    for (const [m, k, n] of shapes) {
      const a = rand(m * k, m * 31 + k);
      const b = rand(k * n, n * 17 + k);
      // ab: A [m x k], B [k x n]
      assertClose(await g.ab(a, b, m, k, n), reference(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j]), k);
      // atb: A [k x m], B [k x n]
      assertClose(await g.atb(a, b, k, m, n), reference(m, k, n, (i, p) => a[p * m + i], (p, j) => b[p * n + j]), k);
      // abt: A [m x k], B [n x k]
      assertClose(await g.abt(a, b, m, k, n), reference(m, k, n, (i, p) => a[i * k + p], (p, j) => b[j * k + p]), k);
    }
  }
});

test('subarray views are read at their offset, not from the start of the buffer', async () => {
  const g = await createGemm({ smallProduct: 0 });
  const m = 40, k = 50, n = 30;
  const big = rand(10_000, 3);
  const a = big.subarray(123, 123 + m * k);
  const b = big.subarray(5000, 5000 + k * n);
  assertClose(await g.ab(a, b, m, k, n), reference(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j]), k);
  await g.dispose();
});

test('known small product', async () => {
  const g = await createGemm({ smallProduct: 0 });
  const c = await g.ab(new Float32Array([1, 2, 3, 4, 5, 6]), new Float32Array([1, 0, 0, 1, 1, 1]), 2, 3, 2);
  assert.deepEqual([...c], [4, 5, 10, 11]);
  await g.dispose();
});

test('empty or inconsistent dimensions are refused with a clear GrainError', async () => {
  const g = await createGemm();
  await assert.rejects(g.ab(new Float32Array(0), new Float32Array(0), 0, 3, 2), (e: unknown) => e instanceof GrainError && /dimension m is 0/.test(e.message));
  await assert.rejects(g.atb(new Float32Array(6), new Float32Array(0), 3, 2, 0), (e: unknown) => e instanceof GrainError && /dimension n is 0/.test(e.message));
  await assert.rejects(g.ab(new Float32Array(5), new Float32Array(6), 2, 3, 2), (e: unknown) => e instanceof GrainError && /A has 5 elements, expected 2 x 3 = 6/.test(e.message));
  await assert.rejects(g.abt(new Float32Array(6), new Float32Array(7), 2, 3, 2), (e: unknown) => e instanceof GrainError && /B has 7 elements, expected 2 x 3 = 6/.test(e.message));
  await assert.rejects(g.ab(new Float32Array(6), new Float32Array(6), 2, 3.5, 2), GrainError);
  await g.dispose();
  await assert.rejects(g.ab(new Float32Array(1), new Float32Array(1), 1, 1, 1), /after dispose/);
  await assert.rejects(createGemm({ threads: 0 }), GrainError);
});

test('measureGflops returns a positive finite rate', async () => {
  const g = await createGemm();
  const r = await measureGflops(g, 128);
  assert.ok(Number.isFinite(r) && r > 0.1, `rate ${r}`);
  await g.dispose();
});
