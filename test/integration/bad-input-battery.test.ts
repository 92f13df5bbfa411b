/**
 * The bad-input battery (issue 13, item 6): one table of careless and hostile inputs, one class
 * at a time (models, tokenizers, texts, labels, concepts, stores, options, outputs, reports, security,
 * concurrency), each held to the contract of DEVELOPERS.md: the documented exit code, a message
 * that names what is wrong and where, no stack trace, no output under the final name, no
 * temporary left behind, and every file the user gave unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { MODELS, ROOT, grain, tempDir } from '../helpers/cli';

const LSTM = join(MODELS, 'brown-lstm-s1');
const MODEL_FILES = ['model.onnx', 'tokenizer.json', 'tokenizer_config.json', 'config.json'];

interface Case {
  name: string;
  args: string[];
  /** 1: an input is wrong; 2: the command line is wrong (README, Exit codes). */
  status: 1 | 2;
  expect: RegExp;
}

/** Every file under `dir` and its SHA-256, to prove a run changed nothing it was given. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) files.set(relative(dir, p), createHash('sha256').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return files;
}

function holdsContract(c: Case, dir: string, out: string): void {
  const before = snapshot(dir);
  const run = grain(c.args);
  const said = `${c.name}: exit ${run.status}\n${run.stderr}`;
  assert.equal(run.status, c.status, said);
  assert.match(run.stderr, c.expect, said);
  assert.doesNotMatch(run.stderr, /internal error|\n\s+at .*:\d+:\d+/, `${c.name}: no stack trace`);
  assert.doesNotMatch(run.stderr, /[\x00-\x08\x0b-\x1f\x7f\u202e]/, `${c.name}: printable output only`);
  assert.ok(!existsSync(out), `${c.name}: nothing written under the final name`);
  assert.deepEqual(snapshot(dir), before, `${c.name}: every file given is unchanged, nothing left behind`);
}

/** A copy of brown-lstm-s1 with some of its files replaced. */
function modelWith(dir: string, name: string, replace: Record<string, Buffer | string | null>): string {
  const m = join(dir, name);
  mkdirSync(m);
  for (const f of new Set([...MODEL_FILES, ...Object.keys(replace)])) {
    const content = replace[f];
    if (content === undefined) copyFileSync(join(LSTM, f), join(m, f));
    else if (content !== null) writeFileSync(join(m, f), content);
  }
  return m;
}

function flipByte(file: string, at: number): Buffer {
  const bytes = readFileSync(file);
  bytes[at] ^= 0x5a;
  return bytes;
}

test('the bad-input battery: each class answered with the documented exit code and a message naming file and line, nothing lost, no debris', async (t) => {
  const dir = tempDir(t);
  const inputs = join(dir, 'inputs');
  mkdirSync(inputs);
  const out = join(dir, 'out', 'result.json');
  mkdirSync(join(dir, 'out'));
  const file = (name: string, content: Buffer | string) => {
    const p = join(inputs, name);
    writeFileSync(p, content);
    return p;
  };
  const text = file('text.txt', 'The jury said .\nIt did not .\nThe man saw the dog .\n');
  const labels = file('labels.txt', 'DT NN VBD .\nPPS DOD * .\nDT NN VBD DT NN .\n');
  const onnx = readFileSync(join(LSTM, 'model.onnx'));
  const tokenizer = readFileSync(join(LSTM, 'tokenizer.json'), 'utf8');

  // Stores of the text, made once, then spoiled one way each.
  const stores: Record<string, string> = {};
  for (const format of ['grain', 'hdf5', 'json'] as const) {
    const made = join(dir, `made.${format}`);
    const run = grain(['extract', '--model', LSTM, '--input', text, '--out', made, '--format', format]);
    assert.equal(run.status, 0, run.stderr);
    stores[format] = made;
  }
  const store = file('store.grain', readFileSync(stores.grain));
  const probeWith = (activations: string, extra: string[] = []) =>
    ['probe', '--input', text, '--labels', labels, '--activations', activations, '--test-activations', activations, '--test-input', text, '--test-labels', labels, '--out', out, ...extra];
  const extract = (model: string, input = text, extra: string[] = []) => ['extract', '--model', model, '--input', input, '--out', out.replace(/json$/, 'grain'), ...extra];
  const probe = (extra: string[]) => ['probe', '--model', LSTM, '--input', text, '--labels', labels, '--out', out, ...extra];
  const concept = (extra: string[]) => ['concept', '--model', LSTM, '--input', text, '--out', out, ...extra];

  const cases: Record<string, Case[]> = {
    models: [
      { name: 'an empty model.onnx', args: extract(modelWith(inputs, 'empty-onnx', { 'model.onnx': '' })), status: 1, expect: /empty-onnx\/model\.onnx: .*empty/ },
      { name: 'a truncated model.onnx', args: extract(modelWith(inputs, 'cut-onnx', { 'model.onnx': onnx.subarray(0, onnx.length >> 1) })), status: 1, expect: /cut-onnx\/model\.onnx: / },
      { name: 'random bytes as model.onnx', args: extract(modelWith(inputs, 'noise-onnx', { 'model.onnx': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 255)) })), status: 1, expect: /noise-onnx\/model\.onnx: / },
      { name: 'a model folder that does not exist', args: extract(join(inputs, 'no-such-model')), status: 1, expect: /no-such-model: no such model folder or file/ },
      { name: 'a file given as the model folder', args: extract(text), status: 1, expect: /text\.txt: .*folder/ },
    ],
    tokenizers: [
      { name: 'a tokenizer.json cut short', args: extract(modelWith(inputs, 'cut-tokenizer', { 'tokenizer.json': tokenizer.slice(0, 500) })), status: 1, expect: /cut-tokenizer\/tokenizer\.json:\d+: / },
      { name: 'an empty tokenizer.json', args: extract(modelWith(inputs, 'empty-tokenizer', { 'tokenizer.json': '' })), status: 1, expect: /empty-tokenizer\/tokenizer\.json: .*empty/ },
      { name: 'a tokenizer.json that is a JSON list', args: extract(modelWith(inputs, 'list-tokenizer', { 'tokenizer.json': '[1, 2, 3]' })), status: 1, expect: /list-tokenizer\/tokenizer\.json: / },
      { name: 'a tokenizer.json that is not UTF-8', args: extract(modelWith(inputs, 'latin1-tokenizer', { 'tokenizer.json': Buffer.from(tokenizer.replace('"jury"', '"j\xfcry"'), 'latin1') })), status: 1, expect: /latin1-tokenizer\/tokenizer\.json:\d+: invalid UTF-8 \(0xfc\)/ },
      { name: 'a grain.json naming no sites', args: extract(modelWith(inputs, 'empty-sites', { 'grain.json': '{\n  "sites": []\n}\n' })), status: 1, expect: /empty-sites\/grain\.json:2: "sites" is empty/ },
    ],
    texts: [
      { name: 'a text of blank lines only', args: extract(LSTM, file('blank.txt', '\n  \n\t\n')), status: 1, expect: /blank\.txt: .*(empty|no sentences)/ },
      { name: 'a binary file as text', args: extract(LSTM, file('binary.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))), status: 1, expect: /binary\.txt:1: invalid UTF-8 \(0x89\)/ },
      { name: 'text with a NUL byte', args: extract(LSTM, file('nul.txt', 'The jury said .\nIt did\0 not .\n')), status: 1, expect: /nul\.txt:2: a NUL byte at line 2, byte 7/ },
      { name: 'UTF-16 text', args: extract(LSTM, file('utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('The jury said .\n', 'utf16le')]))), status: 1, expect: /utf16\.txt:1: .*UTF-16/ },
      { name: 'a folder as the text', args: extract(LSTM, inputs), status: 1, expect: /inputs: is a folder, not a file/ },
      { name: 'a text file that does not exist', args: extract(LSTM, join(inputs, 'missing.txt')), status: 1, expect: /missing\.txt: file not found/ },
    ],
    labels: [
      { name: 'a labels file that does not exist', args: probe(['--labels', join(inputs, 'no-labels.txt')]), status: 1, expect: /no-labels\.txt: file not found/ },
      { name: 'an empty labels file', args: probe(['--labels', file('empty-labels.txt', '')]), status: 1, expect: /empty-labels\.txt: .*(empty|3 sentences)/ },
      { name: 'a labels file with a line short', args: probe(['--labels', file('short-labels.txt', 'DT NN VBD .\nPPS DOD .\nDT NN VBD DT NN .\n')]), status: 1, expect: /short-labels\.txt:2: 3 labels for 4 words/ },
      { name: 'a labels file with fewer lines', args: probe(['--labels', file('fewer-labels.txt', 'DT NN VBD .\n')]), status: 1, expect: /fewer-labels\.txt.*1.*3|fewer-labels\.txt.*3.*1/ },
      { name: 'labels that are not UTF-8', args: probe(['--labels', file('latin1-labels.txt', Buffer.from('DT NN VBD .\nPPS DOD * .\nDT NN VBD DT NN \xe9\n', 'latin1'))]), status: 1, expect: /latin1-labels\.txt:3: .*UTF-8/ },
      { name: 'a CoNLL-U line with too few columns', args: ['probe', '--model', LSTM, '--conllu', file('bad.conllu', '1\tThe\tthe\tDET\tDT\t_\t2\tdet\t_\t_\n2\tjury\tjury\tNOUN\n\n'), '--out', out], status: 1, expect: /bad\.conllu:2: / },
      { name: 'a CoNLL-U file without sentences', args: ['probe', '--model', LSTM, '--conllu', file('comments.conllu', '# only a comment\n\n'), '--out', out], status: 1, expect: /comments\.conllu: / },
    ],
    concepts: [
      { name: 'a concept no word of the text has', args: concept(['--words', 'zebra']), status: 1, expect: /text\.txt: the concept \(the word zebra\) matches no word of the text/ },
      { name: 'a concept with too few words in the training part', args: concept(['--words', 'the,The']), status: 1, expect: /text\.txt: the concept \(the words the, The\) matches only 1 word of the training part; the probe needs at least 5 in the training and the test part each/ },
      { name: 'a concept every word has', args: concept(['--regex', '.*']), status: 1, expect: /text\.txt: every training word of the text is in the concept/ },
      { name: 'an empty regular expression', args: concept(['--regex', '']), status: 2, expect: /--regex is empty/ },
      { name: 'a regular expression that does not parse', args: concept(['--regex', '(ly']), status: 2, expect: /--regex: not a valid regular expression '\(ly'/ },
      { name: 'a word list that does not exist', args: concept(['--wordlist', join(inputs, 'no-words.txt')]), status: 1, expect: /no-words\.txt: file not found/ },
      { name: 'an empty word list', args: concept(['--wordlist', file('empty-words.txt', '\n \n')]), status: 1, expect: /empty-words\.txt: the word list is empty/ },
      { name: '--words of commas only', args: concept(['--words', ',,']), status: 2, expect: /--words needs words/ },
      { name: 'two concepts', args: concept(['--words', 'the', '--regex', '.*ly$']), status: 2, expect: /give one concept: --words and --regex/ },
      { name: 'no concept', args: concept([]), status: 2, expect: /give a concept: --words w1,w2, --regex RE or --wordlist FILE/ },
      { name: 'Brown sentence counts with --input', args: concept(['--words', 'the', '--train-sentences', '10']), status: 2, expect: /--train-sentences chooses Brown sentences/ },
    ],
    stores: [
      { name: 'a Grain store cut short', args: probeWith(file('cut.grain', readFileSync(stores.grain).subarray(0, statSync(stores.grain).size - 100))), status: 1, expect: /cut\.grain: / },
      { name: 'a Grain store with a flipped byte in its data', args: probeWith(file('flipped.grain', flipByte(stores.grain, statSync(stores.grain).size - 200))), status: 1, expect: /flipped\.grain: .*checksum/ },
      { name: 'an empty store', args: probeWith(file('empty.grain', '')), status: 1, expect: /empty\.grain: .*empty/ },
      { name: 'a NeuroX HDF5 file cut short', args: probeWith(file('cut.hdf5', readFileSync(stores.hdf5).subarray(0, 1000))), status: 1, expect: /cut\.hdf5: / },
      { name: 'a NeuroX JSON file cut short', args: probeWith(file('cut.json', readFileSync(stores.json, 'utf8').slice(0, 3000))), status: 1, expect: /cut\.json:\d+: / },
      { name: 'a result file given as activations', args: probeWith(file('a-result.json', readFileSync(join(ROOT, 'test', 'fixtures', 'results', 'probe-lstm-upos.json')))), status: 1, expect: /a-result\.json: / },
      { name: 'activations of another text', args: ['probe', '--input', file('other.txt', 'A b c .\nE f g .\nI j k l m .\n'), '--labels', labels, '--activations', store, '--test-activations', store, '--test-input', text, '--test-labels', labels, '--out', out], status: 1, expect: /other\.txt:1: / },
    ],
    options: [
      { name: 'an unknown flag', args: probe(['--lambda', '3']), status: 2, expect: /--lambda/ },
      { name: '--top above 1', args: probe(['--top', '2']), status: 2, expect: /--top must be a number in/ },
      { name: '--top 0', args: probe(['--top', '0']), status: 2, expect: /--top/ },
      { name: '--epochs 0', args: probe(['--epochs', '0']), status: 2, expect: /--epochs must be a positive whole number/ },
      { name: '--seed not a number', args: probe(['--seed', 'abc']), status: 2, expect: /--seed must be a number/ },
      { name: '--percents over 100', args: ['experiment', '--model', LSTM, '--input', text, '--labels', labels, '--percents', '10,200', '--out', out], status: 2, expect: /--percents/ },
      { name: '--tolerance negative', args: ['experiment', '--model', LSTM, '--input', text, '--labels', labels, '--tolerance=-1', '--out', out], status: 2, expect: /--tolerance/ },
      { name: '--window-overlap as large as the window', args: extract(LSTM, text, ['--window', '16', '--window-overlap', '16']), status: 2, expect: /--window-overlap/ },
      { name: '--max-sentences 0', args: ['ablate', '--model', LSTM, '--input', text, '--mask', 'layer1:0', '--max-sentences', '0', '--out', out], status: 2, expect: /--max-sentences/ },
      { name: 'a mask that is not a spec', args: ['ablate', '--model', LSTM, '--input', text, '--mask', '???', '--out', out], status: 2, expect: /--mask/ },
      { name: 'an unknown --column', args: ['probe', '--model', LSTM, '--conllu', file('ok.conllu', '1\tThe\tthe\tDET\tDT\t_\t0\troot\t_\t_\n\n'), '--column', 'lemma', '--out', out], status: 2, expect: /--column must be upos, xpos, feats or feats:NAME/ },
      { name: 'a layer the model does not have', args: probe(['--layers', 'layer9']), status: 1, expect: /layer9/ },
    ],
    outputs: [
      { name: '--out is the text', args: extract(LSTM, text, ['--out', text]), status: 1, expect: /text\.txt: .*an input of this run/ },
      { name: '--out is a folder', args: probe(['--out', join(dir, 'out')]), status: 1, expect: /is a folder/ },
      { name: '--out under /proc', args: probe(['--out', '/proc/self/result.json']), status: 1, expect: /system file system/ },
    ],
    reports: [
      { name: 'a report of a file that is not JSON', args: ['report', file('notes.json', 'probe accuracy was good\n'), '--out', out], status: 1, expect: /notes\.json:1: is not valid JSON: unexpected 'p' at column 1/ },
      { name: 'a report of an empty file', args: ['report', file('empty-result.json', ''), '--out', out], status: 1, expect: /empty-result\.json: is empty/ },
      { name: 'a report of a result cut short', args: ['report', file('cut-result.json', readFileSync(join(ROOT, 'test', 'fixtures', 'results', 'probe-lstm-upos.json'), 'utf8').slice(0, 2000)), '--out', out], status: 1, expect: /cut-result\.json:1: is not valid JSON: the file ends early/ },
      { name: 'a report of deeply nested JSON', args: ['report', file('nested.json', '['.repeat(100000) + ']'.repeat(100000)), '--out', out], status: 1, expect: /nested\.json:1: nested more than 64 levels deep/ },
      { name: 'a report of a schema Grain does not know', args: ['report', file('other-schema.json', '{"schema": "someone.else", "version": 1}'), '--out', out], status: 1, expect: /other-schema\.json: not a Grain result: its schema is "someone\.else"/ },
      { name: 'a report of a result from a future version', args: ['report', file('future.json', '{"schema": "grain.probe", "version": 99}'), '--out', out], status: 1, expect: /future\.json: .*version 99/ },
      { name: 'a report of a store', args: ['report', store, '--out', out], status: 1, expect: /store\.grain: is a Grain activations store, not a result/ },
    ],
    security: [
      { name: 'an escape sequence in a model folder name', args: extract(join(inputs, '\x1b]0;owned\x07model')), status: 1, expect: /\\x1b\]0;owned\\x07model: no such model folder/ },
      { name: 'an escape sequence in a file name', args: extract(LSTM, join(inputs, '\x1b[31mred.txt')), status: 1, expect: /\\x1b\[31mred\.txt: file not found/ },
    ],
  };

  for (const [kind, list] of Object.entries(cases)) {
    await t.test(kind, () => {
      const failures: string[] = [];
      for (const c of list) {
        try {
          holdsContract(c, inputs, out);
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
      assert.deepEqual(failures, [], `${failures.length} of ${list.length} ${kind} cases not answered as documented`);
    });
  }
});

test('security: text from a result file (labels, data names) cannot break out of the HTML report', (t) => {
  const dir = tempDir(t);
  const result = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'results', 'v2', 'probe-lstm-upos.json'), 'utf8'));
  const payload = '</script><img src=x onerror=alert(1)>\u2028';
  result.data.train = payload;
  result.classes[0] = `NOUN${payload}`;
  const hostile = join(dir, 'hostile.json');
  writeFileSync(hostile, JSON.stringify(result));
  const html = join(dir, 'report.html');
  const run = grain(['report', hostile, '--out', html, '--title', `<b>${payload}</b>`]);
  assert.equal(run.status, 0, run.stderr);
  const page = readFileSync(html, 'utf8');
  assert.ok(!page.includes('<img src=x'), 'the payload appears only escaped');
  assert.ok(!page.includes('<b></script>'), 'the title is escaped');
  assert.equal(page.split('</script>').length - 1, page.split('<script').length - 1, 'every script element closes where Grain closes it');
  assert.match(page, /<meta http-equiv="Content-Security-Policy"/);
});

test('concurrency: two runs writing the same --out at once both finish, and the file left is one whole store', async (t) => {
  const dir = tempDir(t);
  const text = join(dir, 'text.txt');
  writeFileSync(text, Array.from({ length: 200 }, (_, i) => `The jury said ${i} things .`).join('\n') + '\n');
  const out = join(dir, 'same.grain');
  const run = () =>
    new Promise<{ status: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'extract', '--model', LSTM, '--input', text, '--out', out, '--threads', '1']);
      let stderr = '';
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('close', (status) => done({ status, stderr }));
    });
  const runs = await Promise.all([run(), run()]);
  for (const r of runs) assert.equal(r.status, 0, r.stderr);
  const { GrainStoreReader } = await import('../../src/core/store');
  const reader = GrainStoreReader.open(out);
  try {
    assert.equal(reader.sentences, 200);
    let rows = 0;
    for (const chunk of reader.chunks(1000)) rows += chunk.rows;
    assert.equal(rows, 200 * 6, 'every row is there and its checksums hold');
  } finally {
    reader.close();
  }
  assert.deepEqual(readdirSync(dir).sort(), ['same.grain', 'text.txt'], 'no temporary left by either run');
});
