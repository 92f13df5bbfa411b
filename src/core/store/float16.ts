/**
 * IEEE 754 binary16 <-> binary32 conversion (Node 20 has no Float16Array).
 * float32 -> float16 rounds to nearest, ties to even, as hardware does; values beyond the
 * float16 range become infinities, tiny ones go through subnormals to signed zero, and NaN
 * stays NaN (top payload bits kept, quiet bit set so it never turns into infinity).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  return bitsToHalf(u32[0]);
}

function bitsToHalf(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Subnormal result: shift the full significand so one unit is 2^-24.
    const shift = 14 - e;
    if (shift > 24) return sign;
    const m = mant | 0x800000;
    let q = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (q & 1) === 1)) q++;
    return sign | q;
  }
  let q = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rem > 0x1000 || (rem === 0x1000 && (q & 1) === 1)) q++;
  return sign | q;
}

let halfTable: Float32Array | undefined;

/** All 65536 float16 values as float32 (256 KB), built on first use: decoding is one lookup. */
export function float16Table(): Float32Array {
  if (halfTable) return halfTable;
  const bits = new Uint32Array(65536);
  const table = new Float32Array(bits.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) table[h] = (sign ? -1 : 1) * mant * 2 ** -24;
    else if (exp === 0x1f) bits[h] = sign | 0x7f800000 | (mant << 13);
    else bits[h] = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  halfTable = table;
  return table;
}

export function float16BitsToFloat32(h: number): number {
  return float16Table()[h & 0xffff];
}

/**
 * Encodes `src` into `dst` (same length). Returns the index of the first finite value beyond
 * float16's range (65504), which reads back as infinity, or -1: writers refuse to write it.
 */
export function encodeFloat16(src: Float32Array, dst: Uint16Array): number {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  let over = -1;
  for (let i = 0; i < src.length; i++) {
    const h = bitsToHalf(bits[i]);
    dst[i] = h;
    // Infinity from a finite value: the float32's exponent is not all ones.
    if (over < 0 && (h & 0x7c00) === 0x7c00 && (bits[i] & 0x7f800000) !== 0x7f800000) over = i;
  }
  return over;
}

/** Decodes `src` into `dst` (same length). */
export function decodeFloat16(src: Uint16Array, dst: Float32Array): void {
  const table = float16Table();
  for (let i = 0; i < src.length; i++) dst[i] = table[src[i]];
}
