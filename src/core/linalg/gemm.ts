/**
 * Dense float32 matrix products on onnxruntime's CPU kernels (MLAS), which reach a large share
 * of the machine's peak where plain JS loops reach a few percent. Each variant is a one-node
 * ONNX Gemm graph with symbolic dims, built in memory and cached as one InferenceSession.
 * Tiny products skip the runtime: its per-call overhead (tens of microseconds) exceeds their cost.
 * Small products (a probe's batch) run on a single-threaded session: waking and joining a thread
 * pool costs more than it saves there, and far more when other processes share the cores
 * (measured 2-4x slower with 2 threads on a loaded 2-core machine at 32..1024 x 768 x 45).
 */
import { ort } from '../runtime/ort';
import { GrainError } from '../errors';
import { encodeSingleNodeModel } from './tiny-onnx';

export interface Gemm {
  /** C [m x n] = A^T B, A [k x m] row-major, B [k x n] row-major (X^T Y of correlation, gradient X^T G). */
  atb(a: Float32Array, b: Float32Array, k: number, m: number, n: number): Promise<Float32Array>;
  /** C [m x n] = A B, A [m x k], B [k x n]. */
  ab(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Promise<Float32Array>;
  /** C [m x n] = A B^T, A [m x k], B [n x k]. */
  abt(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Promise<Float32Array>;
  /**
   * A small graph of kernels (e.g. the probe's fused training step: both products, softmax and
   * the reductions in one runtime call), built once per key and cached with the products'
   * sessions. Runs on all the runtime's threads, or on one when `serial` (small work per call,
   * where waking a thread pool costs more than it saves).
   */
  graph(key: string, build: () => Uint8Array, opts?: { serial?: boolean }): Promise<GraphRunner>;
  dispose(): Promise<void>;
}

/** Runs a cached graph on named tensors; returns the requested outputs (all when not given). */
export type GraphRunner = (feeds: Record<string, ort.Tensor>, outputs?: readonly string[]) => Promise<Record<string, ort.Tensor>>;

export interface GemmOptions {
  /** Intra-op threads for the runtime; default: the runtime's choice (all cores). */
  threads?: number;
  /** Products with m*n*k at or below this run in JS (default 4096). 0 always uses the runtime. */
  smallProduct?: number;
  /** Products with m*n*k below this run single-threaded (default 2^24). */
  parallelProduct?: number;
}

type Variant = 'atb' | 'ab' | 'abt';

const TRANS: Record<Variant, { transA: number; transB: number }> = {
  atb: { transA: 1, transB: 0 },
  ab: { transA: 0, transB: 0 },
  abt: { transA: 0, transB: 1 },
};

function variantModel(v: Variant): Uint8Array {
  return encodeSingleNodeModel({
    node: { opType: 'Gemm', inputs: ['A', 'B'], outputs: ['C'], intAttrs: TRANS[v] },
    inputs: [
      { name: 'A', dims: ['a0', 'a1'] },
      { name: 'B', dims: ['b0', 'b1'] },
    ],
    outputs: [{ name: 'C', dims: ['m', 'n'] }],
    opset: 13,
  });
}

function checkDims(op: Variant, a: Float32Array, b: Float32Array, dims: { m: number; k: number; n: number }): void {
  for (const [name, v] of Object.entries(dims)) {
    if (!Number.isInteger(v) || v < 0) throw new GrainError(`gemm ${op}: dimension ${name} = ${v} is not a non-negative integer`);
    if (v === 0) throw new GrainError(`gemm ${op}: dimension ${name} is 0 (empty matrix); nothing to multiply`);
  }
  const { m, k, n } = dims;
  const aShape = op === 'atb' ? `${k} x ${m}` : `${m} x ${k}`;
  const bShape = op === 'abt' ? `${n} x ${k}` : `${k} x ${n}`;
  if (a.length !== m * k) throw new GrainError(`gemm ${op}: A has ${a.length} elements, expected ${aShape} = ${m * k}`);
  if (b.length !== k * n) throw new GrainError(`gemm ${op}: B has ${b.length} elements, expected ${bShape} = ${k * n}`);
}

/** JS product for tiny shapes; float32 accumulation like the runtime's kernels. */
function smallGemm(op: Variant, a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const c = new Float32Array(m * n);
  if (op === 'abt') {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p] * b[j * k + p];
        c[i * n + j] = s;
      }
    }
    return c;
  }
  // ab and atb: rank-1 updates along k keep the inner loop contiguous in B and C.
  for (let p = 0; p < k; p++) {
    const bRow = p * n;
    for (let i = 0; i < m; i++) {
      const av = op === 'atb' ? a[p * m + i] : a[i * k + p];
      if (av === 0) continue;
      const cRow = i * n;
      for (let j = 0; j < n; j++) c[cRow + j] += av * b[bRow + j];
    }
  }
  return c;
}

/**
 * Values below float32's normal range (1.2e-38) are taken as 0. Adam's second moments decay by
 * 0.999 a step and reach that range for weights that rarely get a gradient; on x86 every
 * arithmetic on such a value takes a slow path: probe steps of 2,048 rows (Brown, 101 classes)
 * ran at 82-95 GFLOP/s with them and 101-118 without. Nothing computed here is that small on purpose.
 */
const FLUSH_DENORMALS = { set_denormal_as_zero: '1' };

class OrtGemm implements Gemm {
  private sessions = new Map<string, Promise<ort.InferenceSession>>();
  private disposed = false;

  constructor(private readonly opts: GemmOptions) {}

  atb(a: Float32Array, b: Float32Array, k: number, m: number, n: number): Promise<Float32Array> {
    return this.run('atb', a, b, m, k, n, [k, m], [k, n]);
  }

  ab(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Promise<Float32Array> {
    return this.run('ab', a, b, m, k, n, [m, k], [k, n]);
  }

  abt(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Promise<Float32Array> {
    return this.run('abt', a, b, m, k, n, [m, k], [n, k]);
  }

  async graph(key: string, build: () => Uint8Array, opts: { serial?: boolean } = {}): Promise<GraphRunner> {
    if (this.disposed) throw new GrainError('gemm: used after dispose()');
    const id = `graph:${key}:${opts.serial ? 1 : 'n'}`;
    let s = this.sessions.get(id);
    if (!s) {
      s = ort.InferenceSession.create(build(), opts.serial ? this.serialOptions(true) : this.parallelOptions(true));
      this.sessions.set(id, s);
    }
    const session = await s;
    return (feeds, outputs) => {
      if (this.disposed) throw new GrainError('gemm: used after dispose()');
      return outputs ? session.run(feeds, outputs as string[]) : session.run(feeds);
    };
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const s of all) await (await s).release();
  }

  private serialOptions(arena: boolean): ort.InferenceSession.SessionOptions {
    return { graphOptimizationLevel: 'all', executionMode: 'sequential', enableCpuMemArena: arena, intraOpNumThreads: 1, extra: { session: { ...FLUSH_DENORMALS } } };
  }

  private parallelOptions(arena: boolean): ort.InferenceSession.SessionOptions {
    const options: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      enableCpuMemArena: arena,
      // Spinning workers burn the cores other processes (and the editor) need between calls;
      // parallel products are large enough that a blocking wake-up costs little.
      extra: { session: { intra_op: { allow_spinning: '0' }, ...FLUSH_DENORMALS } },
    };
    if (this.opts.threads !== undefined) options.intraOpNumThreads = this.opts.threads;
    return options;
  }

  private session(v: Variant, serial: boolean): Promise<ort.InferenceSession> {
    const key = `${v}:${serial ? 1 : 'n'}`;
    let s = this.sessions.get(key);
    if (!s) {
      // The arena keeps the largest output ever allocated; products of very different sizes
      // (a 10k x 10k correlation, then small probes) would pin that memory for the session's life.
      const options = serial ? this.serialOptions(false) : this.parallelOptions(false);
      s = ort.InferenceSession.create(variantModel(v), options);
      this.sessions.set(key, s);
    }
    return s;
  }

  private async run(
    v: Variant,
    a: Float32Array,
    b: Float32Array,
    m: number,
    k: number,
    n: number,
    aDims: number[],
    bDims: number[],
  ): Promise<Float32Array> {
    if (this.disposed) throw new GrainError('gemm: used after dispose()');
    checkDims(v, a, b, { m, k, n });
    const size = m * n * k;
    if (size <= (this.opts.smallProduct ?? 4096)) return smallGemm(v, a, b, m, k, n);
    const session = await this.session(v, size < (this.opts.parallelProduct ?? 2 ** 24));
    // Tensors wrap the caller's arrays (views included) without copying them in JS.
    const feeds = { A: new ort.Tensor('float32', a, aDims), B: new ort.Tensor('float32', b, bDims) };
    const out = await session.run(feeds);
    const c = out.C;
    const data = c.data as Float32Array;
    if (data.length !== m * n) throw new GrainError(`gemm ${v}: runtime returned ${data.length} values, expected ${m * n}`);
    return data;
  }
}

export async function createGemm(opts: GemmOptions = {}): Promise<Gemm> {
  if (opts.threads !== undefined && (!Number.isInteger(opts.threads) || opts.threads < 1)) {
    throw new GrainError(`gemm: threads must be a positive integer, got ${opts.threads}`);
  }
  return new OrtGemm(opts);
}

/** 2*m*n*k: the flop count of one product (a multiply and an add per term). */
export function gemmFlops(m: number, k: number, n: number): number {
  return 2 * m * n * k;
}

/**
 * Measured GFLOP/s of `ab` on size^3 random matrices: one warm-up run, then the best of a few,
 * because other processes on a shared machine only ever slow a run down.
 */
export async function measureGflops(gemm: Gemm, size = 1024): Promise<number> {
  const a = new Float32Array(size * size);
  const b = new Float32Array(size * size);
  for (let i = 0; i < a.length; i++) {
    a[i] = ((i * 7919) % 1000) / 1000 - 0.5;
    b[i] = ((i * 104729) % 1000) / 1000 - 0.5;
  }
  await gemm.ab(a, b, size, size, size);
  let best = Infinity;
  const deadline = performance.now() + 2000;
  for (let rep = 0; rep < 5 && (rep < 2 || performance.now() < deadline); rep++) {
    const t0 = performance.now();
    await gemm.ab(a, b, size, size, size);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return gemmFlops(size, size, size) / best / 1e9;
}
