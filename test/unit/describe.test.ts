// Neuron descriptions on hand-made evidence and rankings: the line says what the top contexts are
// (tags against their base rate, or words), where the probe ranks the neuron, and whether it is
// selective; `grain describe`'s job reads a probe and a contexts result and writes the same lines.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { countWords, describeNeuron, tagShares, type NeuronEvidence } from '../../src/core/describe/describe';
import { tagPhrase } from '../../src/core/describe/tag-names';
import { runDescribe, trainingDescriptions } from '../../src/jobs/describe';
import { readResult } from '../../src/results/read';
import { header, type ContextsResult, type ClassifierProbeResult } from '../../src/shared/results';

const quiet = { progress() {}, warn() {}, log() {}, signal: new AbortController().signal };

function evidence(over: Partial<NeuronEvidence>): NeuronEvidence {
  return { neuron: 600, label: 'layer2:88', words: [], contexts: 0, probeClasses: [], ...over };
}

test('a neuron whose top contexts are mostly one tag, ranked first for it: the line of the issue', () => {
  const d = describeNeuron(
    evidence({
      words: countWords(['said', 'told', 'said', 'asked']),
      contexts: 20,
      tags: [
        { tag: 'VBD', share: 0.71, baseRate: 0.05 },
        { tag: 'VBN', share: 0.2, baseRate: 0.03 },
      ],
      probeClasses: [{ className: 'VBD', rank: 1, positive: true }],
      rank: 4,
    }),
  );
  assert.equal(`${d.label}: ${d.summary}`, 'layer2:88: fires on past-tense verbs (VBD 71% of top contexts), top in probe VBD, selective');
  assert.equal(d.selectivity, 'selective');
  assert.deepEqual(d.words, [
    { word: 'said', count: 2 },
    { word: 'told', count: 1 },
    { word: 'asked', count: 1 },
  ]);
  assert.equal(d.rank, 4);
});

test('selectivity needs the tag far above its base rate, and a probe that beats its control task', () => {
  const common = { tags: [{ tag: 'NOUN', share: 0.6, baseRate: 0.4 }], contexts: 20 };
  // 60% of top contexts are nouns, but 40% of all words are: not selective.
  const plain = describeNeuron(evidence(common));
  assert.equal(plain.summary, 'fires on nouns (NOUN 60% of top contexts)');
  assert.equal(plain.selectivity, undefined);
  const rare = { tags: [{ tag: 'NUM', share: 0.6, baseRate: 0.02 }], contexts: 20 };
  assert.equal(describeNeuron(evidence({ ...rare, controlSelectivity: 0.3 })).selectivity, 'selective');
  // The probe barely beats its control task: its neurons may only memorise words.
  assert.equal(describeNeuron(evidence({ ...rare, controlSelectivity: 0.01 })).selectivity, undefined);
  // No tag reaches 30%: mixed.
  const mixed = describeNeuron(evidence({ tags: [{ tag: 'NOUN', share: 0.25, baseRate: 0.3 }, { tag: 'VERB', share: 0.2, baseRate: 0.2 }], contexts: 20 }));
  assert.equal(mixed.summary, 'fires on mixed words (at most NOUN 25% of top contexts)');
  assert.equal(mixed.selectivity, 'mixed');
});

test('two tags together, a dominant word, words only, ranks, negative weights', () => {
  const two = describeNeuron(evidence({ tags: [{ tag: 'nn', share: 0.35, baseRate: 0.1 }, { tag: 'nns', share: 0.3, baseRate: 0.05 }], contexts: 20 }));
  assert.equal(two.summary, 'fires on singular nouns and plural nouns (nn 35%, nns 30% of top contexts)');

  const word = describeNeuron(evidence({ words: countWords([...Array(12).fill('I'), 'we', 'you']), contexts: 14, probeClasses: [{ className: 'PRON', rank: 3, positive: true }] }));
  assert.equal(word.summary, 'fires on the word "I" (86% of top contexts), #3 in probe PRON');

  const words = describeNeuron(evidence({ words: countWords(['doubt', 'wanted', 'doubt', 'think', 'hope']), contexts: 5, rank: 120 }));
  assert.equal(words.summary, 'fires on "doubt", "wanted", "think", rank 120 in the probe');

  const negative = describeNeuron(
    evidence({
      tags: [{ tag: 'DET', share: 0.9, baseRate: 0.1 }],
      words: countWords(['the', 'the', 'a']),
      contexts: 3,
      probeClasses: [
        { className: 'NOUN', rank: 2, positive: false },
        { className: 'DET', rank: 1, positive: true },
        { className: 'ADJ', rank: 9, positive: true },
      ],
    }),
  );
  assert.equal(negative.summary, 'fires on determiners (DET 90% of top contexts), mostly the word "the" (67% of top contexts), top in probe DET, #2 in probe NOUN (negative weight), selective');
  assert.equal(describeNeuron(evidence({})).summary, 'no evidence');
  // The probe class of its main tag comes first; punctuation tags are quoted.
  const punct = describeNeuron(
    evidence({
      tags: [{ tag: '.', share: 0.8, baseRate: 0.1 }],
      contexts: 10,
      probeClasses: [
        { className: '--', rank: 1, positive: true },
        { className: '.', rank: 5, positive: true },
      ],
    }),
  );
  assert.equal(punct.summary, 'fires on punctuation ("." 80% of top contexts), #5 in probe ".", top in probe "--", selective');
  assert.equal(tagPhrase('VBD'), 'past-tense verbs');
  assert.equal(tagPhrase('vbd'), 'past-tense verbs');
  assert.equal(tagPhrase('ZZ'), 'ZZ words');
});

test('tag shares leave out words without a tag and carry each tag\'s base rate', () => {
  const shares = tagShares(['VBD', null, 'VBD', 'NN', 'VBD'], new Map([['VBD', 0.05], ['NN', 0.2]]));
  assert.deepEqual(shares, [
    { tag: 'VBD', share: 0.75, baseRate: 0.05 },
    { tag: 'NN', share: 0.25, baseRate: 0.2 },
  ]);
  assert.deepEqual(tagShares([null], new Map()), []);
});

/** 3 neurons x 8 words: neuron 0 is high on verbs, neuron 1 on one word, neuron 2 is noise. */
const WORDS = ['he', 'said', 'it', 'was', 'the', 'dog', 'ran', 'home'];
const TAGS = ['PRON', 'VERB', 'PRON', 'VERB', 'DET', 'NOUN', 'VERB', 'NOUN'];
const CLASSES = ['DET', 'NOUN', 'PRON', 'VERB'];
const DATA = Float32Array.from([
  0.1, 0.0, 0.3, //
  0.9, 0.1, 0.2,
  0.0, 0.0, 0.5,
  0.8, 0.1, 0.1,
  0.1, 0.9, 0.4,
  0.2, 0.2, 0.0,
  0.7, 0.0, 0.6,
  0.1, 0.1, 0.2,
]);

/** A hand-made probe: VERB's top neuron is 0 (positive), NOUN's are 2 then 0 (negative). */
function handProbe(): ClassifierProbeResult {
  const sites = [{ name: 'layer1', kind: 'boundary' as const, width: 3 }];
  const rankingWeights = [0, 0.5, 0, /* NOUN */ -0.2, 0, 0.3, /* PRON */ 0, 0, 0.1, /* VERB */ 0.9, 0, 0];
  return {
    ...header('probe', 'test'),
    data: { train: 'train.txt', test: 'test.txt', trainSentences: 2, testSentences: 1, trainWords: 8, testWords: 4, classFilter: { kept: CLASSES, mode: 'drop', dropped: [] }, unseenTest: [] },
    source: { model: 'models/x', aggregation: 'last', sites: 'layers' },
    settings: { mode: 'default', lambdaL1: 0, lambdaL2: 0, minCount: 1, rare: 'drop', seed: 1, topPercentage: 0.5, control: true },
    sites,
    neurons: 3,
    probedNeurons: null,
    classes: CLASSES,
    train: { accuracy: 1, rows: 8 },
    test: { accuracy: 0.9, rows: 4, macroF1: 0.9, majorityBaseline: 0.5, majorityClass: 'VERB', classAccuracy: [1, 1, 1, 1], classSupport: [1, 1, 1, 1], confusion: [] },
    control: { taskAccuracy: 0.9, controlAccuracy: 0.6, selectivity: 0.3 },
    weights: rankingWeights,
    rankingWeights,
    bias: [0, 0, 0, 0],
    ordering: [0, 2, 1],
    perClassTop: { DET: [1], NOUN: [2, 0], PRON: [2], VERB: [0] },
    topOverall: [0, 1, 2],
    topBySite: [3],
    topWords: [{ neuron: 1, words: ['the'], scores: [1] }],
    timings: { extractSeconds: 0, trainSeconds: 0, gflops: 0 },
    training: {} as ClassifierProbeResult['training'],
  };
}

test('from the training activations: top contexts\' words and gold tags, the probe\'s classes', () => {
  const probe = handProbe();
  const labels = Int32Array.from(TAGS, (t) => CLASSES.indexOf(t));
  const train = {
    neurons: 3,
    *chunks(maxRows: number) {
      for (let start = 0; start < 8; start += maxRows) yield { start, rows: Math.min(maxRows, 8 - start), data: DATA.subarray(start * 3, Math.min(8, start + maxRows) * 3) };
    },
  };
  const [d0, d2, d1] = trainingDescriptions(train, WORDS, labels, probe, probe.ordering, 0.3);
  // Every word is a top context (k = 20 > 8 rows): shares over all 8.
  assert.equal(d0!.contexts, 8);
  assert.deepEqual(d0!.words.slice(0, 3).map((w) => w.word), ['said', 'was', 'ran']);
  assert.deepEqual(d0!.tags?.[0], { tag: 'VERB', share: 3 / 8, baseRate: 3 / 8 });
  // Ties (NOUN and PRON twice each) go to the tag of the better context: "dog" before "he".
  assert.equal(d0!.summary, 'fires on verbs and nouns (VERB 38%, NOUN 25% of top contexts), top in probe VERB, #2 in probe NOUN (negative weight)');
  assert.equal(d0!.rank, 1);
  assert.equal(d2!.summary, 'fires on verbs and pronouns (VERB 38%, PRON 25% of top contexts), top in probe NOUN, top in probe PRON');
  assert.equal(d1!.label, 'layer1:1');
  assert.match(d1!.summary, /top in probe DET$/);
});

test('grain describe\'s job: words from a contexts result, tags from the probe\'s descriptions, a checked result file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'grain-describe-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const probe = handProbe();
  const labels = Int32Array.from(TAGS, (x) => CLASSES.indexOf(x));
  const train = { neurons: 3, chunks: () => [{ start: 0, rows: 8, data: DATA }] };
  probe.descriptions = trainingDescriptions(train, WORDS, labels, probe, probe.ordering, 0.3);
  const probePath = join(dir, 'probe.json');
  writeFileSync(probePath, JSON.stringify(probe));
  const contexts: ContextsResult = {
    ...header('contexts', 'test'),
    model: 'models/x',
    input: 'other.txt',
    files: ['other.txt'],
    settings: { aggregation: 'last', sites: 'layers', top: 2 },
    sites: probe.sites,
    neurons: 3,
    rows: 10,
    sentenceCount: 2,
    fingerprint: { modelPath: 'models/x/model.onnx', modelBytes: 1, modelMtimeMs: 1, files: [{ bytes: 1, mtimeMs: 1 }] },
    sentences: [
      { file: 0, line: 1, words: ['she', 'wrote', 'it'] },
      { file: 0, line: 3, words: ['they', 'wrote', 'again'] },
    ],
    contexts: [{ neuron: 0, mean: 0, std: 1, top: { sentence: [0, 1], word: [1, 1], value: [2, 1.5] }, bottom: { sentence: [1], word: [0], value: [-1] } }],
    timings: { extractSeconds: 0, totalSeconds: 0 },
  };
  const contextsPath = join(dir, 'contexts.json');
  writeFileSync(contextsPath, JSON.stringify(contexts));
  const warnings: string[] = [];
  const out = join(dir, 'descriptions.json');
  const r = await runDescribe({ kind: 'describe', probe: probePath, contexts: contextsPath, neurons: [0, 1], out }, { ...quiet, warn: (w) => warnings.push(w) });
  assert.equal(r.descriptions.length, 2);
  // Neuron 0: the word from the other corpus ("wrote" twice), the tags from the probe's training data.
  assert.equal(r.descriptions[0]!.summary, 'fires on verbs and nouns (VERB 38%, NOUN 25% of top contexts), mostly the word "wrote" (100% of top contexts), top in probe VERB, #2 in probe NOUN (negative weight)');
  assert.match(warnings.join('\n'), /no contexts for 1 of the neurons/);
  const read = readResult(out);
  assert.equal(read.kind, 'descriptions');
  assert.equal(read.kind === 'descriptions' && read.result.controlSelectivity, 0.3);
  // A contexts result given as the probe is refused, naming the file.
  await assert.rejects(runDescribe({ kind: 'describe', probe: contextsPath, out: join(dir, 'x.json') }, quiet), /contexts\.json: this is a contexts result; give a probe result here/);
  await assert.rejects(runDescribe({ kind: 'describe', probe: probePath, neurons: [3], out: join(dir, 'y.json') }, quiet), /neuron 3 does not exist/);
});
