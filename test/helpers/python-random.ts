/**
 * The random draws of NeuroX's test fixtures, reproduced bit for bit: the Mersenne Twister
 * (MT19937) as numpy's legacy RandomState (`np.random.seed(int)`, `rand`, `randint`) and Python's
 * `random` module (`random.seed(int)`, `randint`, `choice`) use it. With them the tests rebuild
 * NeuroX's random test matrices and compare Grain's rankings with NeuroX's recorded snapshots.
 */

const N = 624;
const M = 397;

class Mt19937 {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  /** init_genrand (numpy's mt19937_seed). */
  seed(s: number): void {
    this.mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = this.mt[i - 1]!;
      this.mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.index = N;
  }

  /** init_by_array (Python's random.seed with an int key). */
  seedByArray(key: number[]): void {
    this.seed(19650218);
    const mt = this.mt;
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.index = N;
  }

  next32(): number {
    const mt = this.mt;
    if (this.index >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff);
        mt[k] = mt[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}

/** numpy's legacy global RandomState. */
export class NumpyRandom {
  private readonly mt = new Mt19937();

  seed(s: number): void {
    this.mt.seed(s);
  }

  /** np.random.rand(rows, cols): row-major doubles in [0, 1) with 53 random bits. */
  rand(rows: number, cols: number): Float64Array {
    const out = new Float64Array(rows * cols);
    for (let i = 0; i < out.length; i++) {
      const a = this.mt.next32() >>> 5;
      const b = this.mt.next32() >>> 6;
      out[i] = (a * 67108864 + b) / 9007199254740992;
    }
    return out;
  }

  /** np.random.randint(high, size=n): masked rejection sampling on 32-bit draws. */
  randint(high: number, size: number): Int32Array {
    const range = high - 1;
    let mask = range;
    for (let s = 1; s < 32; s <<= 1) mask |= mask >>> s;
    const out = new Int32Array(size);
    for (let i = 0; i < size; i++) {
      let v: number;
      do v = (this.mt.next32() & mask) >>> 0;
      while (v > range);
      out[i] = v;
    }
    return out;
  }
}

/** Python's `random` module (CPython 3). */
export class PythonRandom {
  private readonly mt = new Mt19937();

  seed(s: number): void {
    const key: number[] = [];
    let v = Math.abs(s);
    do {
      key.push(v % 2 ** 32);
      v = Math.floor(v / 2 ** 32);
    } while (v > 0);
    this.mt.seedByArray(key);
  }

  private getrandbits(k: number): number {
    return this.mt.next32() >>> (32 - k);
  }

  private randbelow(n: number): number {
    const k = Math.floor(Math.log2(n)) + 1;
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** random.randint(a, b), both ends included. */
  randint(a: number, b: number): number {
    return a + this.randbelow(b - a + 1);
  }

  choice<T>(items: readonly T[]): T {
    return items[this.randbelow(items.length)]!;
  }
}

/**
 * The random cases of NeuroX's tests/interpretation/test_rankings_v2.py: the module seeds both
 * generators with 76 and draws the dimension bound and ten seeds; each fixture case reseeds with
 * its seed and draws sizes (Python), then X = rand(samples, features) and labels (numpy).
 */
export function neuroxRankingCases(kind: 'binary' | 'multiclass'): { cases: { X: Float64Array; y: Int32Array; rows: number; neurons: number; classes: number }[]; python: PythonRandom } {
  const py = new PythonRandom();
  py.seed(76);
  const highestDim = py.randint(0, 1000);
  const seeds = Array.from({ length: 10 }, () => py.randint(0, highestDim - 1));
  const np = new NumpyRandom();
  const cases = seeds.map((seed) => {
    np.seed(seed);
    py.seed(seed);
    const rows = py.randint(0, highestDim - 1);
    const neurons = py.randint(0, highestDim - 1);
    const classes = kind === 'binary' ? 2 : py.randint(3, 10);
    const X = np.rand(rows, neurons);
    const y = np.randint(classes, rows);
    return { X, y, rows, neurons, classes };
  });
  return { cases, python: py };
}
