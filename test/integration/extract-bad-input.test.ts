import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, grain, tempDir } from '../helpers/cli';

const LSTM = join(MODELS, 'brown-lstm-s1');

function modelCopy(dir: string, name: string, files: string[]): string {
  const m = join(dir, name);
  mkdirSync(m);
  for (const f of files) copyFileSync(join(LSTM, f), join(m, f));
  return m;
}

function extract(model: string, input: string, out: string) {
  return grain(['extract', '--model', model, '--input', input, '--out', out]);
}

test('bad input gets a clear message naming the file (and line), exit 1, and no output file', async (t) => {
  const dir = tempDir(t);
  const good = join(dir, 'good.txt');
  writeFileSync(good, 'The jury said .\n');
  const out = join(dir, 'out.grain');
  const cases: { name: string; model?: string; input?: string; expect: RegExp }[] = [];

  const notOnnx = modelCopy(dir, 'not-onnx', ['tokenizer.json', 'tokenizer_config.json']);
  writeFileSync(join(notOnnx, 'model.onnx'), '{"this": "is json"}');
  cases.push({ name: 'a file that is not ONNX', model: notOnnx, expect: /not-onnx\/model\.onnx: .*not an ONNX model/ });

  const noTokenizer = modelCopy(dir, 'no-tokenizer', ['model.onnx']);
  cases.push({ name: 'a model without a tokenizer', model: noTokenizer, expect: /no-tokenizer.*tokenizer\.json/ });

  const badTokenizer = modelCopy(dir, 'bad-tokenizer', ['model.onnx']);
  writeFileSync(join(badTokenizer, 'tokenizer.json'), '{"model": {"type": "Nonsense"}}');
  cases.push({ name: 'an unsupported tokenizer', model: badTokenizer, expect: /bad-tokenizer\/tokenizer\.json: .*Nonsense/ });

  cases.push({ name: 'a folder without model.onnx', model: dir, expect: /has no model\.onnx/ });

  const empty = join(dir, 'empty.txt');
  writeFileSync(empty, '');
  cases.push({ name: 'an empty input', input: empty, expect: /empty\.txt: .*empty/ });


  const latin1 = join(dir, 'latin1.txt');
  writeFileSync(latin1, Buffer.concat([Buffer.from('The jury said .\nCaf'), Buffer.from([0xe9]), Buffer.from(' au lait\n')]));
  cases.push({ name: 'text that is not UTF-8', input: latin1, expect: /latin1\.txt:2: .*UTF-8/ });

  const negativeId = modelCopy(dir, 'negative-id', ['model.onnx', 'tokenizer_config.json']);
  const vocab = JSON.parse(readFileSync(join(LSTM, 'tokenizer.json'), 'utf8'));
  vocab.model.vocab.jury = -5;
  writeFileSync(join(negativeId, 'tokenizer.json'), JSON.stringify(vocab));
  cases.push({ name: 'a vocabulary with a negative id', model: negativeId, expect: /negative-id\/tokenizer\.json: the vocabulary maps "jury" to -5/ });

  const foreign = modelCopy(dir, 'foreign-tokenizer', ['tokenizer.json', 'tokenizer_config.json']);
  copyFileSync(join(MODELS, 'brown-gpt', 'model.onnx'), join(foreign, 'model.onnx'));
  cases.push({ name: 'a tokenizer with more ids than the embedding table', model: foreign, expect: /token ids up to 8003, but the model's embedding table 'm\.wte\.weight' has 4096 rows/ });

  for (const c of cases) {
    const run = extract(c.model ?? LSTM, c.input ?? good, out);
    assert.equal(run.status, 1, `${c.name}: exit ${run.status}, stderr ${run.stderr}`);
    assert.match(run.stderr, c.expect, c.name);
    assert.doesNotMatch(run.stderr, /internal error|at .*\.js:\d+/, `${c.name}: no stack trace`);
    assert.ok(!existsSync(out), `${c.name}: no output written`);
  }
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp') || f.includes('partial')), []);
});

test('an ONNX model whose layer boundaries cannot be found names what it considered and how to name them', async (t) => {
  const dir = tempDir(t);
  const input = join(dir, 'in.txt');
  writeFileSync(input, 'The jury said .\n');
  // A valid ONNX graph without any repeated blocks: the tiny Gemm model of src/core/linalg.
  const { encodeModelProto } = await import('../../src/core/onnx');
  const m = modelCopy(dir, 'flat', ['tokenizer.json', 'tokenizer_config.json']);
  writeFileSync(
    join(m, 'model.onnx'),
    encodeModelProto({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'flat',
        node: [{ opType: 'Identity', input: ['input_ids'], output: ['out'], name: 'only' }],
        input: [{ name: 'input_ids', type: { tensorType: { elemType: 7, shape: { dim: [{ dimParam: 'b' }, { dimParam: 's' }] } } } }],
        output: [{ name: 'out', type: { tensorType: { elemType: 7 } } }],
      },
    }),
  );
  const run = extract(m, input, join(dir, 'o.grain'));
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /grain\.json/);
});

test('a sentence longer than the model allows runs as overlapping windows: every word gets its row, with a warning naming the line', async (t) => {
  const dir = tempDir(t);
  const input = join(dir, 'long.txt');
  // "the" is one BPE piece with or without its leading space, so words = positions.
  const words = (n: number) => Array.from({ length: n }, () => 'the').join(' ');
  writeFileSync(input, `The jury said .\n${words(300)}\n`);
  const out = join(dir, 'o.grain');
  const run = grain(['extract', '--model', join(MODELS, 'brown-gpt'), '--input', input, '--out', out]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /warning: .*long\.txt:2: a sentence of 301 tokens is longer than the window of 256 positions: it runs as 2 overlapping windows, each word after the first window seeing up to 64 tokens of left context/);
  const { openActivations } = await import('../../src/core/store');
  const m = (await openActivations(out)).readAll();
  assert.equal(m.sentenceOffsets[1], 4);
  assert.equal(m.sentenceOffsets[2] - m.sentenceOffsets[1], 300, 'no word is dropped');
  // The first window owns 255 words (256 positions minus the leading <|endoftext|>), exactly as a
  // line of those words alone (the later windows are checked in test/unit/extract-windows.test.ts).
  const rowsOf = async (text: string) => {
    const file = join(dir, `w${text.length}.txt`);
    writeFileSync(file, text + '\n');
    const o = join(dir, `w${text.length}.grain`);
    assert.equal(grain(['extract', '--model', join(MODELS, 'brown-gpt'), '--input', file, '--out', o]).status, 0);
    return (await openActivations(o)).readAll().data;
  };
  const first = await rowsOf(words(255));
  const long = m.data.subarray(4 * m.neurons, 304 * m.neurons);
  const worst = (a: Float32Array, b: Float32Array) => a.reduce((w, x, i) => Math.max(w, Math.abs(x - b[i])), 0);
  assert.ok(worst(long.subarray(0, 255 * m.neurons), first) < 1e-4, 'first window');
});

test('usage errors exit 2 and say which flag', () => {
  const run = grain(['extract', '--model', LSTM, '--input', 'x', '--out', 'y', '--aggregation', 'median']);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--aggregation must be one of first, last, average/);
  const unknown = grain(['extract', '--bogus']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /bogus/);
  for (const [flag, value, expect] of [
    ['--batch', '0', /--batch must be a positive whole number \(got '0'\)/],
    ['--batch', '1e400', /--batch must be a positive whole number/],
    ['--threads', '0.5', /--threads must be a whole number from 1 to 1000000/],
  ] as const) {
    const bad = grain(['extract', '--model', LSTM, '--input', 'x', '--out', 'y', flag, value]);
    assert.equal(bad.status, 2, `${flag} ${value}: ${bad.stderr}`);
    assert.match(bad.stderr, expect);
  }
});

test('more threads than CPUs are capped with a warning, not a hang', (t) => {
  const dir = tempDir(t);
  const text = join(dir, 't.txt');
  writeFileSync(text, 'The jury said .\n');
  const run = grain(['extract', '--model', LSTM, '--input', text, '--out', join(dir, 'a.grain'), '--threads', '100000']);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /warning: --threads 100000 is more than the \d+ CPUs of this machine; using \d+/);
});

test('escape sequences from a file never reach the terminal raw', (t) => {
  const dir = tempDir(t);
  const labels = join(dir, 'labels.txt');
  const text = join(dir, 'text.txt');
  writeFileSync(text, 'The jury said .\n');
  writeFileSync(labels, 'DT \x1b]0;owned\x07NN\x1b[2J VBD\n');
  const run = grain(['probe', '--model', LSTM, '--input', text, '--labels', labels, '--out', join(dir, 'p.json')]);
  assert.equal(run.status, 1, run.stderr);
  assert.doesNotMatch(run.stderr, /\x1b/, 'no ESC byte');
  assert.doesNotMatch(run.stderr, /\x07/, 'no BEL byte');
  // A path from the command line is echoed in the message, escaped.
  const missing = grain(['extract', '--model', LSTM, '--input', join(dir, '\x1b[2Jmissing\u202e.txt'), '--out', join(dir, 'a.grain')]);
  assert.equal(missing.status, 1, missing.stderr);
  assert.match(missing.stderr, /\\x1b\[2Jmissing\\u202e\.txt: file not found/);
  assert.doesNotMatch(missing.stderr, /\x1b|\u202e/);
});
