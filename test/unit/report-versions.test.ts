// Result schema versions: version 2 files (test/fixtures/results/v2, written by this Grain with the
// settings of the version 1 fixtures beside them) name every field in camelCase; version 1 files
// read in exactly the current shape, so a version 1 file and its version 2 counterpart give the
// same report payloads; a broken old file is refused naming the field as the file has it.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { GrainError } from '../../src/core/errors';
import { buildPayload } from '../../src/results/companions';
import { readResult, sniffResult, type AnyResult } from '../../src/results/read';
import type { ReportPayload } from '../../src/shared/protocol/report';
import { RESULT_VERSIONS, type AblationResult, type ClassifierProbeResult, type ResultKind } from '../../src/shared/results';
import { keyPaths, nonCamelKeys } from '../helpers/result-keys';

const V1 = join(import.meta.dirname, '..', 'fixtures', 'results');
const V2 = join(V1, 'v2');
const FILES = ['probe-lstm-upos.json', 'experiments-lstm-upos.json', 'correlation-lstm.json', 'ablation-lstm.json'];
const dir = mkdtempSync(join(tmpdir(), 'grain-report-versions-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Json = Record<string, unknown>;
const raw = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Json;

/** What version 1 called the fields version 2 renamed (written out here, not taken from Grain's table). */
const VERSION_1_NAMES: Record<ResultKind, Record<string, string>> = {
  probe: {
    rankingWeights: 'ranking_weights',
    perClassTop: 'per_class_top',
    topOverall: 'top_overall',
    topBySite: 'top_by_site',
    topWords: 'top_words',
    'timings.extractSeconds': 'extract_seconds',
    'timings.trainSeconds': 'train_seconds',
  },
  experiments: { 'timings.extractSeconds': 'extract_seconds', 'timings.totalSeconds': 'total_seconds' },
  correlation: { 'timings.extractSeconds': 'extract_seconds', 'timings.correlateSeconds': 'correlate_seconds' },
  ablation: {},
  // Written as version 2 from the start: no version 1 files exist.
  contexts: {},
  descriptions: {},
  // Ranking and agreement files began at version 2: nothing to rename.
  ranking: {},
  agreement: {},
};

/** A version 2 file as a version 1 Grain wrote it: old names in place, no ablation metric. */
function asVersion1(v2: Json): Json {
  const kind = (v2.schema as string).slice('grain.'.length) as ResultKind;
  const v1 = structuredClone(v2);
  v1.version = 1;
  for (const [now, old] of Object.entries(VERSION_1_NAMES[kind])) {
    const path = now.split('.');
    const parent = path.slice(0, -1).reduce((o, k) => o[k] as Json, v1);
    const entries = Object.entries(parent).map(([k, x]) => [k === path.at(-1) ? old : k, x]);
    for (const k of Object.keys(parent)) delete parent[k];
    Object.assign(parent, Object.fromEntries(entries));
  }
  if (kind === 'ablation') delete v1.metric;
  return v1;
}

/** Each fixture as read, by file name. */
function readAll(folder: string): Record<string, AnyResult> {
  return Object.fromEntries(FILES.map((f) => [f, readResult(join(folder, f))]));
}

/** The three reports over a folder's results (ranking and ablation with their experiments). */
function payloads(r: Record<string, AnyResult>): ReportPayload[] {
  return [
    buildPayload('ranking', r['probe-lstm-upos.json']!, r['experiments-lstm-upos.json']),
    buildPayload('ablation', r['ablation-lstm.json']!, r['experiments-lstm-upos.json']),
    buildPayload('correlation', r['correlation-lstm.json']!),
  ];
}

/** A payload without the paths it was read from (the one thing two copies of a result differ in). */
function withoutPaths(p: ReportPayload): unknown {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v && typeof v === 'object' && 'result' in v ? v.result : v]));
}

test('every version 2 fixture is version 2 and names every field in camelCase', () => {
  for (const f of [...FILES.map((f) => join(V2, f)), join(V1, 'ablation-representation.json')]) {
    const v = raw(f);
    assert.equal(v.version, 2, f);
    assert.deepEqual(nonCamelKeys(v), [], f);
  }
  // The ranking and agreement fixtures too (test/fixtures/results/rankings).
  const rankings = join(V2, '..', 'rankings');
  for (const f of readdirSync(rankings)) {
    const v = raw(join(rankings, f));
    assert.equal(v.version, 2, f);
    assert.deepEqual(nonCamelKeys(v), [], f);
  }
  assert.deepEqual(RESULT_VERSIONS, { probe: 2, experiments: 2, correlation: 2, ablation: 2, contexts: 2, descriptions: 2, ranking: 2, agreement: 2 });
});

test('the version 1 fixtures have their snake_case fields; read, they have none, and are version 2', () => {
  assert.deepEqual(nonCamelKeys(raw(join(V1, 'probe-lstm-upos.json'))), [
    'ranking_weights',
    'per_class_top',
    'top_overall',
    'top_by_site',
    'top_words',
    'timings.extract_seconds',
    'timings.train_seconds',
  ]);
  assert.deepEqual(nonCamelKeys(raw(join(V1, 'correlation-lstm.json'))), ['timings.extract_seconds', 'timings.correlate_seconds']);
  assert.deepEqual(nonCamelKeys(raw(join(V1, 'experiments-lstm-upos.json'))), ['timings.extract_seconds', 'timings.total_seconds']);
  for (const [f, r] of Object.entries(readAll(V1))) {
    assert.equal(raw(join(V1, f)).version, 1, f);
    assert.equal(r.result.version, 2, f);
    assert.deepEqual(nonCamelKeys(r.result), [], f);
  }
});

test('a version 1 file and its version 2 counterpart give identical report payloads', () => {
  const v2 = readAll(V2);
  const v1 = Object.fromEntries(
    FILES.map((f) => {
      const path = join(dir, f);
      writeFileSync(path, JSON.stringify(asVersion1(raw(join(V2, f)))));
      return [f, readResult(path)];
    }),
  );
  assert.equal(raw(join(dir, 'probe-lstm-upos.json')).version, 1);
  assert.ok('ranking_weights' in raw(join(dir, 'probe-lstm-upos.json')));
  for (const f of FILES) assert.deepEqual(v1[f]!.result, v2[f]!.result, f);
  const [a, b] = [payloads(v1), payloads(v2)];
  for (let i = 0; i < a.length; i++) assert.deepEqual(withoutPaths(a[i]!), withoutPaths(b[i]!), a[i]!.view);
});

test('the version 1 fixtures (written by an earlier Grain) read in the shape of the version 2 fixtures of the same settings', () => {
  const [old, now] = [readAll(V1), readAll(V2)];
  for (const f of FILES) {
    const [o, n] = [old[f]!.result as unknown as Json, now[f]!.result as unknown as Json];
    // The same runs: same data, model, settings and sites.
    for (const k of ['data', 'source', 'settings', 'sites', 'classes', 'models', 'input', 'model', 'neurons', 'rows', 'sentences', 'objective', 'metric']) {
      assert.deepEqual(o[k], n[k], `${f}: ${k}`);
    }
    // The same fields: every key path and its type (objectiveReason is newer than version 1 ablation files).
    const shape = (v: Json) => [...keyPaths(v)].filter(([p]) => p !== 'objectiveReason').map(([p, types]) => `${p}: ${[...types].sort().join('|')}`).sort();
    assert.deepEqual(shape(o), shape(n), f);
  }
  // Correlation has not changed since: the same payload but for the dates and timings.
  const undated = (r: AnyResult) => ({ ...r, path: '', result: { ...r.result, createdAt: '', timings: {} } }) as AnyResult;
  assert.deepEqual(buildPayload('correlation', undated(old['correlation-lstm.json']!)), buildPayload('correlation', undated(now['correlation-lstm.json']!)));
  // Nor has ablation: the figures that do not depend on the probe agree (the probe's training has
  // changed since the version 1 files were written, and with it its ordering and accuracies).
  const [ao, an] = [old['ablation-lstm.json']!.result, now['ablation-lstm.json']!.result] as AblationResult[];
  const close = (x: number, y: number, what: string) => assert.ok(Math.abs(x - y) < 1e-9, `${what}: ${x} vs ${y}`);
  close(ao!.baseline.meanNll, an!.baseline.meanNll, 'baseline');
  close(ao!.masks[0]!.meanNll, an!.masks[0]!.meanNll, 'mask');
  for (const name of ['cca-top', 'random']) {
    const [co, cn] = [ao!, an!].map((a) => a.curve!.curves.find((c) => c.name === name)!.points);
    co!.forEach((p, i) => close(p.meanNll, cn![i]!.meanNll, `${name} ${p.percent}%`));
  }
  const [po, pn] = [old['probe-lstm-upos.json']!.result, now['probe-lstm-upos.json']!.result] as ClassifierProbeResult[];
  close(Math.round(po!.test.accuracy * 100), Math.round(pn!.test.accuracy * 100), 'probe test accuracy, rounded to a percent');
});

test('a broken file is refused naming the field as its version has it', () => {
  const fails = (v: Json, name: string, re: RegExp) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(v));
    assert.throws(() => readResult(path), (e: unknown) => e instanceof GrainError && re.test(e.message));
  };
  const v2 = raw(join(V2, 'probe-lstm-upos.json'));
  fails({ ...v2, topBySite: [1] }, 'short-v2.json', /short-v2\.json: "topBySite" is missing or malformed \(expected a list of 3\)/);
  const v1 = raw(join(V1, 'probe-lstm-upos.json'));
  fails({ ...v1, top_by_site: [1] }, 'short-v1.json', /short-v1\.json: "top_by_site" is missing or malformed \(expected a list of 3\)/);
  const noTop = { ...v1 };
  delete noTop.top_overall;
  fails(noTop, 'no-top-v1.json', /"top_overall" is missing or malformed/);
  // A version 2 file with version 1 names is not a version 2 file.
  fails({ ...v1, version: 2 }, 'mixed.json', /"rankingWeights" is missing or malformed/);
});

test('listings read the same header from a version 1 file and its version 2 counterpart', () => {
  for (const f of FILES) {
    const [a, b] = [sniffResult(join(V1, f)), sniffResult(join(V2, f))];
    assert.ok(!('error' in a) && !('error' in b), f);
    assert.deepEqual({ ...a, createdAt: undefined }, { ...b, createdAt: undefined }, f);
    assert.equal(basename(f).split('-')[0], a.kind);
  }
});
