import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrainError } from '../../src/core/errors';
import {
  decodeUtf8Strict,
  firstInvalidUtf8Byte,
  parseSentenceText,
  readSentenceFile,
  splitWords,
  streamSentenceFile,
  wordSpans,
} from '../../src/core/text';
import { parseLabelledPair } from '../../src/core/corpus';

const dir = mkdtempSync(join(tmpdir(), 'grain-text-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: string | Uint8Array): string {
  const path = join(dir, `f${n++}.txt`);
  writeFileSync(path, content);
  return path;
}

async function streamAll(path: string) {
  const out: { words: string[]; line: number }[] = [];
  for await (const s of streamSentenceFile(path)) out.push(s);
  return out;
}

function grainError(where: { file: string; line?: number }, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof GrainError, `expected GrainError, got ${e}`);
    assert.equal(e.where.file, where.file);
    assert.equal(e.where.line, where.line);
    assert.match(e.message, pattern);
    return true;
  };
}

test('reads sentences with BOM, CRLF, runs of spaces and a trailing newline', async () => {
  const path = file('\uFEFFThe  cat sat .\r\n\tA dog \r\nÉté über naïve\n');
  const expected = [['The', 'cat', 'sat', '.'], ['A', 'dog'], ['Été', 'über', 'naïve']];
  const r = readSentenceFile(path);
  assert.deepEqual(r.sentences, expected);
  assert.deepEqual(r.lines, [1, 2, 3]);
  const s = await streamAll(path);
  assert.deepEqual(s.map((x) => x.words), expected);
  assert.deepEqual(s.map((x) => x.line), [1, 2, 3]);
});

test('a BOM-like U+FEFF after line 1 is kept as text, not stripped', () => {
  const r = readSentenceFile(file('a\n\uFEFFb\n'));
  assert.equal(r.sentences[1][0], '\uFEFFb');
});

test('no trailing newline: last line is still a sentence', async () => {
  const path = file('one two\nthree');
  assert.deepEqual(readSentenceFile(path).sentences, [['one', 'two'], ['three']]);
  assert.deepEqual((await streamAll(path)).map((s) => s.words), [['one', 'two'], ['three']]);
});

test('blank or space-only lines (paragraph breaks) hold no sentence: skipped, every sentence keeping its line', async () => {
  const path = file('one\ntwo\n   \nthree\n');
  assert.deepEqual(readSentenceFile(path), { sentences: [['one'], ['two'], ['three']], lines: [1, 2, 4] });
  assert.deepEqual((await streamAll(path)).map((s) => [s.words, s.line]), [[['one'], 1], [['two'], 2], [['three'], 4]]);
  const paragraphs = file('one\n\ntwo\n');
  assert.deepEqual(readSentenceFile(paragraphs).lines, [1, 3]);
});

test('blank lines at the very end are ignored', async () => {
  const path = file('one\ntwo\n\n  \r\n');
  assert.deepEqual(readSentenceFile(path).lines, [1, 2]);
  assert.deepEqual((await streamAll(path)).map((s) => s.line), [1, 2]);
});

test('empty file (or only a BOM / only blank lines) is an error naming the file', async () => {
  for (const content of ['', '\uFEFF', '\n\n  \n']) {
    const path = file(content);
    assert.throws(() => readSentenceFile(path), grainError({ file: path }, /empty/));
    await assert.rejects(streamAll(path), grainError({ file: path }, /empty/));
  }
});

test('missing file is a GrainError', async () => {
  const path = join(dir, 'nope.txt');
  assert.throws(() => readSentenceFile(path), grainError({ file: path }, /not found/));
  await assert.rejects(streamAll(path), grainError({ file: path }, /not found/));
});

test('invalid UTF-8 names file, line and byte of the first bad byte', async () => {
  // line 3 = "ab" + 0xff: the bad byte is byte 3 of line 3, 0-based file offset 4 + 3 + 2 = 9.
  const bytes = Buffer.concat([Buffer.from('abc\nde\nab'), Buffer.from([0xff]), Buffer.from('\nok\n')]);
  const path = file(bytes);
  const check = grainError({ file: path, line: 3 }, /0xff\) at line 3, byte 3 \(file offset 9\)/);
  assert.throws(() => readSentenceFile(path), check);
  await assert.rejects(streamAll(path), check);
  // With a BOM the byte offsets still count from the start of the file.
  const withBom = file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('x'), Buffer.from([0xc3, 0x28])]));
  const bomCheck = grainError({ file: withBom, line: 1 }, /0x28\) at line 1, byte 6 \(file offset 5\)/);
  assert.throws(() => readSentenceFile(withBom), bomCheck);
  await assert.rejects(streamAll(withBom), bomCheck);
});

test('firstInvalidUtf8Byte rejects overlongs, surrogates, out-of-range and truncated sequences', () => {
  const cases: [number[], number][] = [
    [[0x41, 0xe2, 0x82, 0xac], -1], // A€
    [[0xf0, 0x9f, 0x98, 0x80], -1], // emoji
    [[0xc0, 0x80], 0], // overlong NUL
    [[0xe0, 0x80, 0x80], 1], // overlong 3-byte
    [[0xed, 0xa0, 0x80], 1], // UTF-16 surrogate
    [[0xf4, 0x90, 0x80, 0x80], 1], // > U+10FFFF
    [[0x61, 0xe2, 0x82], 1], // cut off at end
    [[0xe2, 0x41, 0x41], 1], // bad continuation
    [[0x80], 0], // lone continuation
  ];
  for (const [bytes, at] of cases) {
    assert.equal(firstInvalidUtf8Byte(new Uint8Array(bytes)), at, `bytes ${bytes}`);
    if (at >= 0) assert.throws(() => decodeUtf8Strict(new Uint8Array(bytes), 'x.txt'), GrainError);
  }
  assert.equal(decodeUtf8Strict(new Uint8Array([0xf0, 0x9f, 0x98, 0x80]), 'x'), '😀');
});

test('streaming handles lines longer than one read buffer and many lines', async () => {
  const long = Array.from({ length: 300_000 }, (_, i) => `w${i}`).join(' '); // ~2.2 MB
  const lines = [long, ...Array.from({ length: 1000 }, (_, i) => `s ${i}`)];
  const path = file(lines.join('\n') + '\n');
  const got = await streamAll(path);
  assert.equal(got.length, 1001);
  assert.equal(got[0].words.length, 300_000);
  assert.equal(got[0].words[299_999], 'w299999');
  assert.deepEqual(got[1000], { words: ['s', '999'], line: 1001 });
});

test('one rule for words everywhere: runs of characters other than whitespace (as NeuroX splits), with UTF-16 offsets', () => {
  assert.deepEqual(wordSpans('  The\tjury  said .'), [
    { start: 2, end: 5 },
    { start: 6, end: 10 },
    { start: 12, end: 16 },
    { start: 17, end: 18 },
  ]);
  assert.deepEqual(wordSpans(''), []);
  assert.deepEqual(wordSpans(' \t '), []);
  assert.deepEqual(splitWords('  The\tjury  said .'), ['The', 'jury', 'said', '.']);
  // UTF-16 offsets, as VS Code counts: the emoji is two code units.
  assert.deepEqual(wordSpans('a 😀b c'), [{ start: 0, end: 1 }, { start: 2, end: 5 }, { start: 6, end: 7 }]);
  // A no-break space separates words as Python's str.split() does; a zero-width space does not.
  assert.deepEqual(splitWords('a\u00a0b\u3000c d\u200be'), ['a', 'b', 'c', 'd\u200be']);
  assert.deepEqual(wordSpans('a\u00a0b'), [{ start: 0, end: 1 }, { start: 2, end: 3 }]);
  // Labels split by the same rule: a sentence and its labels with no-break spaces still pair up.
  const pair = parseLabelledPair('The\u00a0jury said .\n', 'DT NN VBD .\n', 's.txt', 'l.txt');
  assert.deepEqual(pair.sentences, [['The', 'jury', 'said', '.']]);
  assert.deepEqual(parseSentenceText('The\u00a0jury said .\n', 's.txt').sentences, pair.sentences);
});
