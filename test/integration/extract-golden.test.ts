import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openExtractionModel } from '../../src/core/extract/model';
import { extractTo } from '../../src/core/extract/extractor';
import { compareWithGolden, readGolden } from '../../src/core/extract/golden';
import { MemorySink } from '../../src/core/store';
import { DEMO_MODELS, MODELS, grain } from '../helpers/cli';

for (const name of DEMO_MODELS) {
  test(`${name}: subword extraction reproduces every golden activation within 1e-4`, async () => {
    const golden = readGolden(join(MODELS, name, 'golden.json'));
    const model = await openExtractionModel(join(MODELS, name), { sites: 'layers', threads: 2 });
    try {
      assert.deepEqual(model.sites.map((s) => s.name), golden.boundaries);
      const sink = new MemorySink();
      await extractTo(model, { sentences: golden.sentences.map((s) => s.words), aggregation: 'last', subword: true, keepSpecial: true, batchSize: 2 }, sink);
      const m = sink.result();
      // One row per input position, specials included, in order: the tokens are the golden ids' tokens.
      golden.sentences.forEach((s, i) => assert.equal(m.sentenceOffsets[i + 1] - m.sentenceOffsets[i], s.input_ids.length));
      const cmp = compareWithGolden(m, golden);
      for (const [boundary, diff] of Object.entries(cmp.maxAbsDiff)) {
        assert.ok(diff < 1e-4, `${name} ${boundary}: max diff ${diff}`);
      }
      assert.equal(cmp.compared, golden.boundaries.length * 256 * golden.sentences.reduce((n, s) => n + s.input_ids.length, 0));
    } finally {
      await model.close();
    }
  });
}

test('grain golden (CLI) passes on every demo model and fails when the tolerance is impossible', () => {
  for (const name of DEMO_MODELS) {
    const run = grain(['golden', '--model', join(MODELS, name)]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^ok: \d+ values within 0\.0001/m);
  }
  const strict = grain(['golden', '--model', join(MODELS, 'brown-gpt'), '--tolerance', '1e-9']);
  assert.equal(strict.status, 1);
  assert.match(strict.stderr, /golden\.json: activations differ from golden by up to/);
});
