// Error notifications lead with the reason; the file follows, relative to the workspace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GrainError } from '../../src/core/errors';
import { displayPath, errorText, isTextFile, splitProblem } from '../../src/extension/error-text';

const roots = { workspace: '/tmp/ws', others: ['/opt/grain'] };

test('a GrainError reads reason first, then the file relative to the workspace and its line', () => {
  const e = new GrainError('is not valid JSON (Unexpected token } in JSON)', { file: '/tmp/ws/my-models/hf-gpt2-hfconfig/config.json', line: 7 });
  const t = errorText({ message: e.message, file: e.where.file, line: e.where.line }, roots, 'Extract activations of notes.txt');
  assert.equal(t.text, 'Grain: is not valid JSON (Unexpected token } in JSON) — Extract activations of notes.txt failed · my-models/hf-gpt2-hfconfig/config.json:7');
  assert.equal(t.file, '/tmp/ws/my-models/hf-gpt2-hfconfig/config.json');
  assert.equal(t.line, 7);
});

test('a path printed twice at the start is said once', () => {
  const file = '/tmp/ws/m/config.json';
  const p = splitProblem({ message: `${file}: ${file}: "hidden_size" must be a positive integer, got "x"`, file });
  assert.deepEqual(p, { reason: '"hidden_size" must be a positive integer, got "x"', file, line: undefined });
  assert.equal(errorText({ message: `${file}: ${file}: bad` }, roots).text, 'Grain: bad — m/config.json');
});

test('a location only in the message is found; paths inside the reason are made relative', () => {
  const t = errorText({ message: '/tmp/ws/data/tags.txt:12: 3 labels for 4 words (see /tmp/ws/data/sents.txt)' }, roots);
  assert.equal(t.text, 'Grain: 3 labels for 4 words (see data/sents.txt) — data/tags.txt:12');
  assert.equal(t.line, 12);
  // Outside every root: the path stays absolute.
  assert.equal(errorText({ message: 'no such model folder or file', file: '/elsewhere/model' }, roots).text, 'Grain: no such model folder or file — /elsewhere/model');
  // The extension's own files (demo models, texts) are named inside it.
  assert.equal(displayPath('/opt/grain/models/brown-test-2000.txt', roots), 'models/brown-test-2000.txt');
});

test('a message without a location is the reason itself; a trailing full stop is dropped', () => {
  assert.equal(errorText({ message: 'correlation needs at least two models.' }, roots).text, 'Grain: correlation needs at least two models');
  assert.equal(errorText({ message: 'onnxruntime failed: a: b' }, roots, 'Run probe').text, 'Grain: onnxruntime failed: a: b — Run probe failed');
});

test('Open File is offered for text files only', () => {
  assert.ok(isTextFile('/a/config.json'));
  assert.ok(isTextFile('/a/tags.txt'));
  assert.ok(!isTextFile('/a/model.onnx'));
  assert.ok(!isTextFile('/a/acts.grain'));
});
