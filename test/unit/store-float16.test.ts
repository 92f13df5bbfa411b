import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFloat16, encodeFloat16, float16BitsToFloat32, float32ToFloat16Bits } from '../../src/core/store';

const half = (v: number) => float32ToFloat16Bits(v);

test('float32 -> float16: exact values, limits, infinities, zeros, NaN', () => {
  assert.equal(half(1), 0x3c00);
  assert.equal(half(-2), 0xc000);
  assert.equal(half(0.5), 0x3800);
  assert.equal(half(65504), 0x7bff); // max finite
  assert.equal(half(2 ** -14), 0x0400); // smallest normal
  assert.equal(half(2 ** -24), 0x0001); // smallest subnormal
  assert.equal(half(1023 * 2 ** -24), 0x03ff); // largest subnormal
  assert.equal(half(Infinity), 0x7c00);
  assert.equal(half(-Infinity), 0xfc00);
  assert.equal(half(0), 0x0000);
  assert.equal(half(-0), 0x8000);
  const nan = half(NaN);
  assert.equal(nan & 0x7c00, 0x7c00);
  assert.notEqual(nan & 0x03ff, 0, 'NaN must not become infinity');
  assert.ok(Number.isNaN(float16BitsToFloat32(nan)));
});

test('float32 -> float16 rounds to nearest, ties to even', () => {
  assert.equal(half(1 + 2 ** -11), 0x3c00); // tie: 1 is even
  assert.equal(half(1 + 3 * 2 ** -11), 0x3c02); // tie: up to even
  assert.equal(half(1 + 2 ** -11 + 2 ** -20), 0x3c01); // just above the tie
  assert.equal(half(65519), 0x7bff); // below the overflow midpoint
  assert.equal(half(65520), 0x7c00); // the midpoint rounds to even = infinity
  assert.equal(half(1e6), 0x7c00);
  assert.equal(half(-1e6), 0xfc00);
  assert.equal(half(2 ** -25), 0x0000); // tie between 0 and the smallest subnormal
  assert.equal(half(2 ** -25 + 2 ** -40), 0x0001);
  assert.equal(half(3 * 2 ** -25), 0x0002); // tie between 1 and 2 units
  assert.equal(half(1e-8), 0x0000);
  assert.equal(half(-1e-8), 0x8000);
  assert.equal(half(2 ** -14 - 2 ** -25), 0x0400); // subnormal rounding carries into the smallest normal
  assert.equal(half(1e-45), 0x0000); // float32 subnormal
});

test('every float16 value survives float16 -> float32 -> float16', () => {
  for (let h = 0; h < 65536; h++) {
    const v = float16BitsToFloat32(h);
    if (Number.isNaN(v)) continue;
    assert.equal(half(v), h);
  }
  assert.equal(float16BitsToFloat32(0x7bff), 65504);
  assert.equal(float16BitsToFloat32(0x0001), 2 ** -24);
  assert.ok(Object.is(float16BitsToFloat32(0x8000), -0));
});

test('random float32 values go to the nearest float16 (ties even)', () => {
  // Brute-force reference: compare against both neighbouring float16 values.
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  let seed = 12345;
  for (let i = 0; i < 100_000; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    bits[0] = (seed & 0x8fffffff) | ((0x30 + (seed % 0x18)) << 23); // exponents around float16's range
    const v = f[0];
    const h = half(v);
    const got = float16BitsToFloat32(h);
    if (!Number.isFinite(got)) {
      assert.ok(Math.abs(v) >= 65520, `${v} overflowed`);
      continue;
    }
    const magnitude = h & 0x7fff;
    const sign = h & 0x8000;
    const err = Math.abs(got - v);
    for (const n of [magnitude - 1, magnitude + 1]) {
      if (n < 0 || n >= 0x7c00) continue;
      const other = Math.abs(float16BitsToFloat32(sign | n) - v);
      assert.ok(err < other || (err === other && (magnitude & 1) === 0), `${v}: ${h.toString(16)} is not nearest-even`);
    }
  }
});

test('array encode/decode', () => {
  const src = new Float32Array([0.1, -3.5, 1e-7, 70000, 0]);
  const enc = new Uint16Array(src.length);
  // 70000 is finite but beyond float16's range: the encoder names its index.
  assert.equal(encodeFloat16(src, enc), 3);
  assert.equal(encodeFloat16(Float32Array.of(1, Infinity, NaN, 65504), new Uint16Array(4)), -1);
  const dec = new Float32Array(src.length);
  decodeFloat16(enc, dec);
  assert.deepEqual(Array.from(dec), [0.0999755859375, -3.5, 1.1920928955078125e-7, Infinity, 0]);
});
