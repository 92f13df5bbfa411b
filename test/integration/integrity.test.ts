import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, grain, tempDir } from '../helpers/cli';

const LSTM = join(MODELS, 'brown-lstm-s1');
const SENTENCES = ['The jury said it did .', 'It was a good day in Atlanta .', 'They voted no .', 'The city paid .'];
const TAGS = ['DET NOUN VERB PRON VERB .', 'PRON VERB DET ADJ NOUN ADP NOUN .', 'PRON VERB DET .', 'DET NOUN VERB .'];

function files(dir: string, name: string, sentences: string[], tags: string[]) {
  const input = join(dir, `${name}.txt`);
  const labels = join(dir, `${name}.labels`);
  writeFileSync(input, sentences.join('\n') + '\n');
  writeFileSync(labels, tags.join('\n') + '\n');
  return { input, labels };
}

test('activations of another text with the same counts (every line reversed) are refused, naming the first line', (t) => {
  const dir = tempDir(t);
  const text = files(dir, 'text', SENTENCES, TAGS);
  const reversed = files(dir, 'reversed', SENTENCES.map((s) => s.split(' ').reverse().join(' ')), TAGS.map((s) => s.split(' ').reverse().join(' ')));
  for (const format of ['grain', 'json', 'hdf5']) {
    const acts = join(dir, `acts.${format}`);
    const extract = grain(['extract', '--model', LSTM, '--input', text.input, '--out', acts]);
    assert.equal(extract.status, 0, extract.stderr);
    const same = grain(['probe', '--input', text.input, '--labels', text.labels, '--activations', acts, '--test-input', text.input, '--test-labels', text.labels, '--test-activations', acts, '--out', join(dir, `ok-${format}.json`)]);
    assert.equal(same.status, 0, `${format}: ${same.stderr}`);
    const other = grain(['probe', '--input', reversed.input, '--labels', reversed.labels, '--activations', acts, '--test-input', reversed.input, '--test-labels', reversed.labels, '--test-activations', acts, '--out', join(dir, `bad-${format}.json`)]);
    assert.equal(other.status, 1, `${format}: ${other.stderr}`);
    assert.match(other.stderr, /reversed\.txt:1: the activations in .* were extracted from another text/, format);
  }
});

test('a Grain store with a flipped byte is refused, never probed', (t) => {
  const dir = tempDir(t);
  const text = files(dir, 'text', SENTENCES, TAGS);
  const acts = join(dir, 'acts.grain');
  assert.equal(grain(['extract', '--model', LSTM, '--input', text.input, '--out', acts]).status, 0);
  const bytes = readFileSync(acts);
  bytes[Number(bytes.readBigUInt64LE(40)) + 4000] ^= 0x10;
  writeFileSync(acts, bytes);
  const run = grain(['probe', '--input', text.input, '--labels', text.labels, '--activations', acts, '--test-input', text.input, '--test-labels', text.labels, '--test-activations', acts, '--out', join(dir, 'p.json')]);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, /acts\.grain: the activation store is damaged: data block 1 of 1 \(rows 1-\d+, sentences 1-4\) does not match its checksum/);
});
