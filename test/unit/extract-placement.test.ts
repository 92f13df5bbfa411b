import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openExtractionModel } from '../../src/core/extract/model';
import { extractTo } from '../../src/core/extract/extractor';
import { createSink, MemorySink, openActivations } from '../../src/core/store';
import { sentenceFingerprint } from '../../src/core/store/checksums';
import { readSentenceFile } from '../../src/core/text';

test('the Grain store, given each sentence\'s rows as its batch is done (out of order), holds what an in-order sink gets', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'grain-placement-'));
  const model = await openExtractionModel('models/brown-lstm-s1', { sites: 'layers', threads: 1 });
  try {
    const brown = readSentenceFile('models/brown-test-2000.txt').sentences.slice(0, 40);
    // One line longer than the window: its windows are separate segments, in different batches.
    const sentences = [...brown.slice(0, 20), brown.slice(0, 6).flat(), ...brown.slice(20)];
    const lengths = sentences.map((s) => s.length);
    assert.ok(lengths.some((n, i) => i > 0 && n < lengths[i - 1]), 'batches sorted by length run out of input order');
    const req = { sentences, aggregation: 'last' as const, subword: false, keepSpecial: false, batchSize: 4, window: { size: 64, overlap: 8 } };
    const memory = new MemorySink();
    const summary = await extractTo(model, req, memory);
    assert.equal(summary.windowedSentences, 1);
    const want = memory.result();
    for (const dtype of ['float32', 'float16'] as const) {
      const path = join(dir, `acts-${dtype}.grain`);
      await extractTo(model, req, createSink(path, 'grain', { dtype }));
      const source = await openActivations(path);
      const got = source.readAll();
      assert.deepEqual(got.tokens, want.tokens);
      assert.deepEqual(Array.from(got.sentenceOffsets), Array.from(want.sentenceOffsets));
      assert.deepEqual(source.sentenceFingerprints, sentences.map((s) => sentenceFingerprint(s)));
      let worst = 0;
      for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - want.data[i]) / (dtype === 'float32' ? 1 : 1e-3 + Math.abs(want.data[i])));
      assert.ok(dtype === 'float32' ? worst === 0 : worst < 1e-3, `${dtype}: worst difference ${worst}`);
      source.close();
    }
  } finally {
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
