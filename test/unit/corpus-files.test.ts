import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLabelledPair, parseLabelledPair, readConllu, parseConllu } from '../../src/core/corpus';
import { GrainError } from '../../src/core/errors';
import { conlluLabelColumns } from '../../src/core/corpus/conllu-features';

const dir = mkdtempSync(join(tmpdir(), 'grain-corpus-'));
function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

function grainError(re: RegExp, where?: { file?: string; line?: number }) {
  return (e: unknown) => {
    assert.ok(e instanceof GrainError, `expected GrainError, got ${e}`);
    assert.match(e.message, re);
    if (where?.file !== undefined) assert.equal(e.where.file, where.file);
    if (where?.line !== undefined) assert.equal(e.where.line, where.line);
    return true;
  };
}

test('pair files: words and labels aligned, CRLF and trailing newline accepted', async () => {
  const s = file('s.txt', 'The cat sat .\r\nIt  ran\r\n');
  const l = file('l.txt', 'DT NN VBD .\nPRP VBD\n');
  const c = await readLabelledPair(s, l);
  assert.deepEqual(c.sentences, [['The', 'cat', 'sat', '.'], ['It', 'ran']]);
  assert.deepEqual(c.labels, [['DT', 'NN', 'VBD', '.'], ['PRP', 'VBD']]);
  assert.deepEqual(c.lines, [1, 2]);
  assert.equal(c.source, s);
});

test('pair files: different word counts name the labels file and line with both counts', () => {
  const sents = Array.from({ length: 17 }, (_, i) => (i === 16 ? 'a b c d e f g h i j k l m' : 'x y')).join('\n');
  const labs = Array.from({ length: 17 }, (_, i) => (i === 16 ? 'A B C D E F G H I J K L' : 'X Y')).join('\n');
  assert.throws(() => parseLabelledPair(sents, labs, 's.txt', 'labels.txt'), (e: unknown) => {
    assert.ok(e instanceof GrainError);
    assert.equal(e.message, 'labels.txt:17: 12 labels for 13 words');
    return true;
  });
});

test('pair files: different line counts give both counts and the first missing line', () => {
  assert.throws(
    () => parseLabelledPair('a\nb\nc\n', 'A\nB\n', 'sents.txt', 'labs.txt'),
    grainError(/sents\.txt has 3 lines but labs\.txt has 2; line 3 is missing from labs\.txt/, { file: 'labs.txt', line: 3 }),
  );
});

test('pair files: empty file and blank line are errors naming the place', () => {
  assert.throws(() => parseLabelledPair('', 'A\n', 's.txt', 'l.txt'), grainError(/file is empty/, { file: 's.txt' }));
  assert.throws(() => parseLabelledPair('a\n\nb\n', 'A\nB\nC\n', 's.txt', 'l.txt'), grainError(/blank line/, { file: 's.txt', line: 2 }));
  assert.throws(() => parseLabelledPair('a\nb\n', 'A\n  \n', 's.txt', 'l.txt'), grainError(/blank line/, { file: 'l.txt', line: 2 }));
});

test('pair files: invalid UTF-8 names the file and line', async () => {
  const bad = new Uint8Array([0x61, 0x0a, 0x62, 0x0a, 0x63, 0xc3, 0x28, 0x0a]);
  const s = file('bad.txt', bad);
  const l = file('ok.txt', 'A\nB\nC\n');
  await assert.rejects(readLabelledPair(s, l), grainError(/invalid UTF-8 \(0x28\) at line 3, byte 3 \(file offset 6\)/, { file: s, line: 3 }));
  // Valid multi-byte text passes.
  const s2 = file('good.txt', 'café über\n');
  const l2 = file('good-l.txt', 'NN NN\n');
  assert.deepEqual((await readLabelledPair(s2, l2)).sentences, [['café', 'über']]);
});

const CONLLU = [
  '# sent_id = 1',
  '# text = I can\'t go.',
  '1\tI\tI\tPRON\tPRP\tCase=Nom|Number=Sing|Person=1\t3\tnsubj\t_\t_',
  '2-3\tcan\'t\t_\t_\t_\t_\t_\t_\t_\t_',
  '2\tca\tcan\tAUX\tMD\tVerbForm=Fin\t4\taux\t_\t_',
  '3\tn\'t\tnot\tPART\tRB\tPolarity=Neg\t4\tadvmod\t_\t_',
  '4\tgo\tgo\tVERB\tVB\tVerbForm=Inf\t0\troot\t_\t_',
  '4.1\tgone\tgo\tVERB\tVBN\t_\t_\t_\t4:x\t_',
  '5\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\t_',
  '',
  '# sent_id = 2',
  '1\tDogs\tdog\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t_\t_',
  '2\tbark\tbark\tVERB\tVBP\t_\t0\troot\t_\t_',
  '',
].join('\n');

test('CoNLL-U: ranges and empty nodes skipped, columns selectable', async () => {
  const p = file('a.conllu', CONLLU);
  const upos = await readConllu(p);
  assert.deepEqual(upos.sentences, [['I', 'ca', "n't", 'go', '.'], ['Dogs', 'bark']]);
  assert.deepEqual(upos.labels, [['PRON', 'AUX', 'PART', 'VERB', 'PUNCT'], ['NOUN', 'VERB']]);
  assert.deepEqual(upos.lines, [3, 12]);
  assert.deepEqual(parseConllu(CONLLU, 'a', 'xpos').labels[1], ['NNS', 'VBP']);
  assert.deepEqual(parseConllu(CONLLU, 'a', 'feats').labels[1], ['Number=Plur', '_']);
  assert.deepEqual(parseConllu(CONLLU, 'a', 'feats:Number').labels, [['Sing', '_', '_', '_', '_'], ['Plur', '_']]);
});

test('CoNLL-U: wrong column count, bad IDs and empty input are errors with file and line', () => {
  const bad = CONLLU.replace('2\tbark\tbark\tVERB\tVBP\t_\t0\troot\t_\t_', '2 bark bark VERB');
  assert.throws(() => parseConllu(bad, 'b.conllu'), grainError(/expected 10 tab-separated columns, found 1/, { file: 'b.conllu', line: 13 }));
  const badId = CONLLU.replace('1\tDogs', 'x\tDogs');
  assert.throws(() => parseConllu(badId, 'c.conllu'), grainError(/bad word ID 'x'/, { line: 12 }));
  assert.throws(() => parseConllu('# only a comment\n\n', 'd.conllu'), grainError(/no sentences/, { file: 'd.conllu' }));
  assert.throws(() => parseConllu(CONLLU, 'e', 'lemma' as never), grainError(/unknown CoNLL-U label column/));
});

test('CoNLL-U label columns: UPOS, XPOS, whole FEATS bundles and each single feature', () => {
  const text = [
    '# sent_id = 1',
    '1\tDogs\tdog\tNOUN\tNNS\tNumber=Plur\t2\tnsubj\t_\t_',
    '2\tbark\tbark\tVERB\tVBP\tMood=Ind|Number=Plur|Tense=Pres\t0\troot\t_\t_',
    '3-4\tdon\'t\t_\t_\t_\t_\t_\t_\t_\t_',
    '',
    '1\tIt\tit\tPRON\tPRP\tCase=Nom|Number=Sing\t2\tnsubj\t_\t_',
    '2\truns\trun\tVERB\tVBZ\tMood=Ind|Number=Sing|Tense=Pres\t0\troot\t_\t_',
    '3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t_\t_',
    '',
  ].join('\n');
  const columns = conlluLabelColumns(text);
  assert.deepEqual(columns.map((c) => c.column), ['upos', 'xpos', 'feats', 'feats:Case', 'feats:Mood', 'feats:Number', 'feats:Tense']);
  const number = columns.find((c) => c.column === 'feats:Number')!;
  assert.deepEqual([number.classes, number.labelled, number.top], [3, 4, ['Plur', 'Sing']]);
  assert.equal(columns.find((c) => c.column === 'feats')!.classes, 5);
  // The core reads the same column as these counts say.
  assert.deepEqual(parseConllu(text, 't.conllu', 'feats:Number').labels, [['Plur', 'Plur'], ['Sing', 'Sing', '_']]);
});
