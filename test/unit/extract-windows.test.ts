import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openExtractionModel } from '../../src/core/extract/model';
import { extractTo } from '../../src/core/extract/extractor';
import { MemorySink } from '../../src/core/store';

const WORDS = 'The Fulton County Grand Jury said Friday an investigation of recent primary elections produced no evidence that any irregularities took place'.split(' ');

test('a long line runs as overlapping windows: every word gets the row its window computes, the first window the full line\'s', async () => {
  const model = await openExtractionModel('models/brown-lstm-s1', { sites: 'layers', threads: 1 });
  try {
    const line = [...WORDS, ...WORDS, ...WORDS, ...WORDS];
    const windows = model.tokenizer.encodeWindows(line, { size: 24, overlap: 6 });
    assert.ok(windows.length >= 4);
    assert.ok(windows.every((w) => w.ids.length <= 24), 'no window is longer than its size');
    assert.deepEqual(windows.flatMap((w) => Array.from(w.wordIndex).filter((i, p) => i >= 0 && w.owned[p])), line.map((_, i) => i), 'each word is owned once, in order');
    const warnings: string[] = [];
    const sink = new MemorySink();
    const summary = await extractTo(model, { sentences: [WORDS, line], aggregation: 'last', subword: false, keepSpecial: false, batchSize: 3, window: { size: 24, overlap: 6 }, onWarning: (w) => warnings.push(w) }, sink);
    assert.equal(summary.windowedSentences, 1);
    assert.match(warnings.join('\n'), /sentence 2: a sentence of \d+ tokens is longer than the window of 24 positions: it runs as \d+ overlapping windows/);
    const m = sink.result();
    assert.equal(m.sentenceOffsets[2] - m.sentenceOffsets[1], line.length);
    // Each owned word's row is the activation its window's own run computes at that word.
    let row = m.sentenceOffsets[1];
    for (const w of windows) {
      const readers = await model.run([w.ids]);
      for (let p = 0; p < w.ids.length; p++) {
        if (!w.owned[p] || w.wordIndex[p] < 0 || (p + 1 < w.ids.length && w.wordIndex[p + 1] === w.wordIndex[p])) continue;
        for (const r of readers) {
          for (let u = 0; u < r.width; u++) {
            const want = r.data[p * r.positionStride + u];
            const got = m.data[row * m.neurons + r.column + u];
            assert.ok(Math.abs(want - got) < 1e-5, `word ${w.wordIndex[p] + 1}, unit ${u}: ${got} vs ${want}`);
          }
        }
        row++;
      }
    }
    assert.equal(row, m.sentenceOffsets[2]);
    // A left-to-right model's first window sees exactly what the whole line's start sees.
    const whole = new MemorySink();
    await extractTo(model, { sentences: [line], aggregation: 'last', subword: false, keepSpecial: false, batchSize: 1, window: { size: 512, overlap: 6 } }, whole);
    const owned = windows[0].owned.reduce((n, o, p) => n + (o && windows[0].wordIndex[p] >= 0 && windows[0].wordIndex[p + 1] !== windows[0].wordIndex[p] ? 1 : 0), 0);
    const start = m.sentenceOffsets[1] * m.neurons;
    const a = m.data.subarray(start, start + owned * m.neurons);
    const b = whole.result().data.subarray(0, owned * m.neurons);
    assert.ok(a.every((x, i) => Math.abs(x - b[i]) < 1e-5));
  } finally {
    await model.close();
  }
});
