// grain contexts on brown-lstm-s1 over the Brown test sentences: every neuron's top and bottom
// contexts in one pass, real sentences, one neuron's top context recomputed with grain extract;
// the saved result reused; a folder corpus; grain describe on top; bad input refused.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openActivations } from '../../src/core/store';
import { readResult } from '../../src/results/read';
import type { ContextsResult } from '../../src/shared/results';
import { MODELS, ROOT, grain, tempDir } from '../helpers/cli';
import { nonCamelKeys } from '../helpers/result-keys';

const MODEL = join(MODELS, 'brown-lstm-s1');
const TEXT = join(MODELS, 'brown-test-2000.txt');
const LINES = readFileSync(TEXT, 'utf8').split('\n');
const NEURON = 300; // layer1:44

function contextsOf(path: string): ContextsResult {
  const r = readResult(path);
  assert.equal(r.kind, 'contexts');
  return r.result as ContextsResult;
}

test('every neuron of brown-lstm-s1 over brown-test-2000: real sentences, and neuron 300\'s top context is what grain extract gives', async (t) => {
  const dir = tempDir(t);
  const out = join(dir, 'contexts.json');
  const run = grain(['contexts', '--model', MODEL, '--input', TEXT, '--out', out, '--top', '5']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /wrote the top and bottom 5 contexts of all 768 neurons over 43805 words \(2000 sentences\) to .*contexts\.json in [\d.]+ s/);
  const c = contextsOf(out);
  assert.equal(c.schema, 'grain.contexts');
  assert.equal(c.version, 2);
  assert.deepEqual(nonCamelKeys(JSON.parse(readFileSync(out, 'utf8'))), []);
  assert.deepEqual(c.sites.map((s) => [s.name, s.width]), [['embeddings', 256], ['layer1', 256], ['layer2', 256]]);
  assert.equal(c.contexts.length, 768);
  assert.deepEqual([c.rows, c.sentenceCount, c.settings.top], [43805, 2000, 5]);
  for (const n of c.contexts) {
    assert.equal(n.top.value.length, 5);
    assert.equal(n.bottom.value.length, 5);
    for (let i = 1; i < 5; i++) {
      assert.ok(n.top.value[i - 1]! >= n.top.value[i]!, `neuron ${n.neuron}: top sorted`);
      assert.ok(n.bottom.value[i - 1]! <= n.bottom.value[i]!, `neuron ${n.neuron}: bottom sorted`);
    }
    assert.ok(n.top.value[4]! >= n.mean && n.bottom.value[4]! <= n.mean, `neuron ${n.neuron}: its extremes lie either side of its mean`);
  }
  // Every listed sentence is the file's line, word for word.
  for (const s of c.sentences) assert.deepEqual(s.words, LINES[s.line - 1]!.split(' '), `line ${s.line}`);

  // Neuron 300's top context: that one sentence through grain extract gives the same activation.
  const n = c.contexts.find((x) => x.neuron === NEURON)!;
  const s = c.sentences[n.top.sentence[0]!]!;
  const w = n.top.word[0]!;
  const one = join(dir, 'one.txt');
  writeFileSync(one, LINES[s.line - 1] + '\n');
  const acts = join(dir, 'one.grain');
  assert.equal(grain(['extract', '--model', MODEL, '--input', one, '--out', acts]).status, 0);
  const m = (await openActivations(acts)).readAll();
  assert.equal(m.tokens[w], s.words[w]);
  const value = m.data[w * m.neurons + NEURON]!;
  assert.ok(Math.abs(value - n.top.value[0]!) < 1e-5, `grain extract gives ${value} for "${s.words[w]}" at line ${s.line}; contexts say ${n.top.value[0]}`);
  // It is higher than every other word of that sentence.
  for (let i = 0; i < m.tokens.length; i++) assert.ok(m.data[i * m.neurons + NEURON]! <= value);
  console.log(`# neuron ${NEURON} fires most on "${s.words[w]}" (line ${s.line}): ${n.top.value[0]} = grain extract's ${value}; z ${((value - n.mean) / n.std).toFixed(2)}`);

  // Asked again: the saved file is reused, untouched; a subset of neurons is in it too.
  const before = statSync(out).mtimeMs;
  const again = grain(['contexts', '--model', MODEL, '--input', TEXT, '--out', out, '--top', '3', '--neurons', `${NEURON}`]);
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /already holds the top and bottom 3 contexts of 1 of 768 neurons .*; reused it/);
  assert.match(again.stdout, new RegExp(`layer1:44 \\(neuron ${NEURON}\\): mean -?[\\d.]+, std [\\d.]+\\n  top 1: ${n.top.value[0]!.toFixed(3)} \\(z \\+[\\d.]+\\)  .*\\[${s.words[w]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]`));
  assert.equal(statSync(out).mtimeMs, before);

  // grain report makes it a page of its own (the same app as in VS Code).
  const html = join(dir, 'contexts.html');
  const report = grain(['report', out, '--out', html]);
  assert.equal(report.status, 0, report.stderr);
  assert.match(report.stdout, /^Top contexts: .*contexts\.json$/m);
  const page = readFileSync(html, 'utf8');
  assert.match(page, /data-app="report-contexts"/);
  assert.ok(page.includes(JSON.stringify(s.words).replace(/</g, '\\u003c')), 'the page holds the sentences');

  // grain describe with these contexts: words from the Brown test sentences, ranks from the probe.
  const probe = join(ROOT, 'test', 'fixtures', 'results', 'probe-lstm-upos.json');
  const described = join(dir, 'descriptions.json');
  const d = grain(['describe', '--probe', probe, '--contexts', out, '--neurons', `${NEURON},26`, '--out', described]);
  assert.equal(d.status, 0, d.stderr);
  assert.match(d.stdout, /^layer1:44: fires on /m);
  assert.match(d.stdout, /^embeddings:26: .*in probe /m);
  assert.match(d.stderr, /holds no tags of its neurons' top contexts/);
  const read = readResult(described);
  assert.equal(read.kind, 'descriptions');
  assert.deepEqual(nonCamelKeys(JSON.parse(readFileSync(described, 'utf8'))), []);
});

test('a folder corpus: its text files at any depth, in name order, each context at its own file and line', (t) => {
  const dir = tempDir(t);
  const corpus = join(dir, 'corpus');
  mkdirSync(join(corpus, 'sub'), { recursive: true });
  writeFileSync(join(corpus, 'b.txt'), LINES.slice(0, 30).join('\n') + '\n');
  writeFileSync(join(corpus, 'sub', 'a.txt'), '\n' + LINES.slice(30, 60).join('\n') + '\n');
  writeFileSync(join(corpus, 'empty.txt'), '\n');
  writeFileSync(join(corpus, 'notes.json'), '{}');
  const out = join(dir, 'contexts.json');
  const run = grain(['contexts', '--model', MODEL, '--input', corpus, '--out', out, '--neurons', '300-302', '--top', '4']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /empty\.txt: no sentences \(blank file\); skipped/);
  const c = contextsOf(out);
  assert.deepEqual(c.files.map((f) => f.slice(corpus.length + 1)), ['b.txt', 'empty.txt', 'sub/a.txt']);
  assert.deepEqual(c.contexts.map((x) => x.neuron), [300, 301, 302]);
  assert.equal(c.sentenceCount, 60);
  for (const s of c.sentences) {
    const lines = readFileSync(c.files[s.file]!, 'utf8').split('\n');
    assert.deepEqual(s.words, lines[s.line - 1]!.split(' '));
  }
  // sub/a.txt starts with a blank line: its sentences are on lines 2 and after.
  const inA = c.sentences.filter((s) => c.files[s.file]!.endsWith('a.txt'));
  assert.ok(inA.length > 0 && inA.every((s) => s.line >= 2));
});

test('bad input: a missing corpus, a neuron the model lacks, --top 0, a probe given as contexts', (t) => {
  const dir = tempDir(t);
  const missing = grain(['contexts', '--model', MODEL, '--input', join(dir, 'nope.txt'), '--out', join(dir, 'c.json')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /nope\.txt: no such file or folder/);
  const small = join(dir, 'small.txt');
  writeFileSync(small, LINES.slice(0, 3).join('\n'));
  const neuron = grain(['contexts', '--model', MODEL, '--input', small, '--out', join(dir, 'c.json'), '--neurons', '768']);
  assert.equal(neuron.status, 1);
  assert.match(neuron.stderr, /neuron 768 does not exist: this model has neurons 0 to 767/);
  const top = grain(['contexts', '--model', MODEL, '--input', small, '--out', join(dir, 'c.json'), '--top', '0']);
  assert.equal(top.status, 2);
  assert.match(top.stderr, /--top must be a whole number from 1 to 10000/);
  const overwrite = grain(['contexts', '--model', MODEL, '--input', small, '--out', small]);
  assert.equal(overwrite.status, 1);
  assert.match(overwrite.stderr, /an input of this run/);
  const probe = join(ROOT, 'test', 'fixtures', 'results', 'probe-lstm-upos.json');
  const wrong = grain(['describe', '--probe', probe, '--contexts', probe, '--out', join(dir, 'd.json')]);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /probe-lstm-upos\.json: this is a probe result; give a contexts result here/);
});
