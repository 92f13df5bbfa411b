import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GrainError } from '../../src/core/errors';
import {
  ablatedCount,
  ablationFromNeurons,
  countsFromPercents,
  expNonPositive,
  maskVectors,
  parseMaskSpec,
  randomOrdering,
  chooseMaskedPositions,
  sumTokenNll,
} from '../../src/core/ablate/index';

const SITES = [
  { name: 'embeddings', width: 256 },
  { name: 'layer1', width: 256 },
  { name: 'layer2', width: 128 },
];

test('mask specs: ranges, lists, several sites, unions', () => {
  const a = parseMaskSpec('layer1:0-49', SITES);
  assert.equal(a.selections.length, 1);
  assert.equal(a.selections[0].site, 1);
  assert.deepEqual([...a.selections[0].units], Array.from({ length: 50 }, (_, i) => i));
  const b = parseMaskSpec(' embeddings:0,2,4 ; layer2:3 ;layer1:7-8,8', SITES);
  assert.deepEqual(b.selections.map((s) => [s.site, [...s.units]]), [[0, [0, 2, 4]], [1, [7, 8]], [2, [3]]]);
  assert.equal(ablatedCount(b), 6);
  const masks = maskVectors(b, SITES);
  assert.equal(masks[0][2], 0);
  assert.equal(masks[0][1], 1);
  assert.equal(masks[2].reduce((s, v) => s + v, 0), 127);
});

test('mask specs: errors name the spec and the valid range or sites', () => {
  const bad: [string, RegExp][] = [
    ['layer1:0-256', /mask spec 'layer1:0-256': unit 256 is out of range for layer1, which has units 0-255/],
    ['layer3:1', /unknown site 'layer3'; the sites are embeddings \(0-255\), layer1 \(0-255\), layer2 \(0-127\)/],
    ['layer1', /'layer1' has no ':'/],
    ['layer1:5-2', /range 5-2 of layer1 runs backwards/],
    ['layer1:a', /'a' is not a unit or a range/],
    ['layer1:-3', /'-3' is not a unit/],
    ['layer1:1,,2', /'' is not a unit/],
    ['  ', /it is empty/],
  ];
  for (const [spec, re] of bad) {
    assert.throws(() => parseMaskSpec(spec, SITES), (e: unknown) => e instanceof GrainError && re.test(e.message), spec);
  }
});

test('neuron ids map to sites by widths', () => {
  const a = ablationFromNeurons(Int32Array.from([0, 255, 256, 300, 512, 639]), SITES);
  assert.deepEqual(a.selections.map((s) => [s.site, [...s.units]]), [[0, [0, 255]], [1, [0, 44]], [2, [0, 127]]]);
  assert.throws(() => ablationFromNeurons([640], SITES), /neuron id 640 is out of range: .* neurons 0-639/);
  assert.throws(() => ablationFromNeurons([-1], SITES), GrainError);
  assert.deepEqual(countsFromPercents([0, 5, 50, 100], 768), [0, 38, 384, 768]);
  assert.throws(() => countsFromPercents([101], 768), GrainError);
  const r = randomOrdering(640, 3);
  assert.deepEqual([...r].sort((x, y) => x - y), Array.from({ length: 640 }, (_, i) => i));
  assert.deepEqual(r, randomOrdering(640, 3));
  assert.notDeepEqual(r, randomOrdering(640, 4));
});

test('fast exponential agrees with Math.exp to 1e-15 relative', () => {
  let worst = 0;
  for (let i = 0; i <= 100000; i++) {
    const x = -i * 0.00699;
    worst = Math.max(worst, Math.abs(expNonPositive(x) / Math.exp(x) - 1));
  }
  assert.ok(worst < 1e-15, `worst ${worst}`);
  assert.equal(expNonPositive(0), 1);
  assert.equal(expNonPositive(-800), 0);
});

test('token NLL is -log softmax in float64, over strided logits', () => {
  // Time-major logits [seq 2, batch 1, vocab 3]: position stride = batch x vocab.
  const data = Float32Array.from([1, 2, 3, 10, -5, 0]);
  const targets = Int32Array.from([2, 0]);
  const got = sumTokenNll({ data, vocab: 3, batchStride: 3, positionStride: 3 }, targets, 1, 2);
  const lse = (a: number[]) => Math.log(a.reduce((s, v) => s + Math.exp(v), 0));
  assert.ok(Math.abs(got - (lse([1, 2, 3]) - 3 + lse([10, -5, 0]) - 10)) < 1e-12);
  assert.equal(sumTokenNll({ data, vocab: 3, batchStride: 3, positionStride: 3 }, Int32Array.from([-1, -1]), 1, 2), 0);
});

test('masked positions: seeded, 15% of non-special positions, independent of other sentences', () => {
  const special = new Uint8Array(22);
  special[0] = 1;
  special[21] = 1;
  const a = chooseMaskedPositions(special, 1234, 5, 0.15);
  assert.equal(a.length, 3);
  assert.ok(a.every((p) => p >= 1 && p <= 20));
  assert.deepEqual(a, chooseMaskedPositions(special, 1234, 5, 0.15));
  assert.notDeepEqual(a, chooseMaskedPositions(special, 1234, 6, 0.15));
  const short = new Uint8Array(3);
  short[0] = 1;
  short[2] = 1;
  assert.equal(chooseMaskedPositions(short, 1, 0, 0.15).length, 1);
});
