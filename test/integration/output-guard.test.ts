import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, linkSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, grain, tempDir } from '../helpers/cli';

const LSTM = join(MODELS, 'brown-lstm-s1');

test('an --out that is an input of the run is refused before any work, and the input is untouched', (t) => {
  const dir = tempDir(t);
  const model = join(dir, 'model');
  mkdirSync(model);
  for (const f of ['model.onnx', 'tokenizer.json', 'tokenizer_config.json', 'config.json']) copyFileSync(join(LSTM, f), join(model, f));
  const text = join(dir, 'text.txt');
  writeFileSync(text, 'The jury said .\nIt did not .\n');
  const labels = join(dir, 'labels.txt');
  writeFileSync(labels, 'DT NN VBD .\nPPS DOD * .\n');
  symlinkSync(text, join(dir, 'link-to-text.txt'));
  linkSync(labels, join(dir, 'hard-link-to-labels.txt'));
  const probe = (out: string) => ['probe', '--model', model, '--input', text, '--labels', labels, '--out', out];
  const extract = (out: string) => ['extract', '--model', model, '--input', text, '--out', out];
  const cases: { name: string; args: string[]; file: string }[] = [
    { name: 'the input text', args: extract(text), file: text },
    { name: "the model's model.onnx", args: extract(join(model, 'model.onnx')), file: join(model, 'model.onnx') },
    { name: "the model's tokenizer.json", args: extract(join(model, 'tokenizer.json')), file: join(model, 'tokenizer.json') },
    { name: 'the labels file', args: probe(labels), file: labels },
    { name: 'a symbolic link to the input text', args: extract(join(dir, 'link-to-text.txt')), file: text },
    { name: 'a hard link to the labels', args: probe(join(dir, 'hard-link-to-labels.txt')), file: labels },
    { name: 'an ablation input', args: ['ablate', '--model', model, '--input', text, '--mask', 'layer1:0', '--out', text], file: text },
  ];
  for (const c of cases) {
    const before = readFileSync(c.file);
    const run = grain(c.args);
    assert.equal(run.status, 1, `${c.name}: ${run.stderr}`);
    assert.match(run.stderr, /an input of this run: Grain never writes over what it reads/, c.name);
    assert.doesNotMatch(run.stderr, /\n\s+at /, `${c.name}: no stack trace`);
    assert.deepEqual(readFileSync(c.file), before, `${c.name}: the input is unchanged`);
  }
  const report = grain(['report', join(MODELS, '..', 'test', 'fixtures', 'results', 'probe-lstm-upos.json'), '--out', join(MODELS, '..', 'test', 'fixtures', 'results', 'probe-lstm-upos.json')]);
  assert.equal(report.status, 1, report.stderr);
  assert.match(report.stderr, /an input of this run/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary files');
});

test('an --out that cannot be a result file is answered with a message, not a stack trace', (t) => {
  const dir = tempDir(t);
  const text = join(dir, 'text.txt');
  writeFileSync(text, 'The jury said .\n');
  writeFileSync(join(dir, 'a-file'), 'x');
  const cases: { name: string; out: string; expect: RegExp }[] = [
    { name: 'a folder', out: dir, expect: /is a folder; give a file name inside it/ },
    { name: 'a place under /proc', out: '/proc/self/grain.json', expect: /system file system/ },
    { name: 'a device', out: '/dev/null', expect: /system file system/ },
    { name: 'under a file', out: join(dir, 'a-file', 'out.grain'), expect: /is a file, not a folder/ },
  ];
  for (const c of cases) {
    const run = grain(['extract', '--model', LSTM, '--input', text, '--out', c.out]);
    assert.equal(run.status, 1, `${c.name}: ${run.stderr}`);
    assert.match(run.stderr, c.expect, c.name);
    assert.doesNotMatch(run.stderr, /\n\s+at /, `${c.name}: no stack trace`);
  }
  assert.deepEqual(readdirSync(dir).sort(), ['a-file', 'text.txt']);
});
