// The model folder module on folders built here: every layout, variants and the default, the
// facts of a Hugging Face config or Grain's card, model identity, and every bad case's message.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { GrainError } from '../../src/core/errors';
import {
  DEFAULT_ORDER,
  expectedBoundaries,
  modelDisplayName,
  modelFolderFiles,
  modelIdentity,
  readModelFolderFacts,
  resolveModelFolder,
  sameModel,
  scanModelFolder,
} from '../../src/core/model/folder';
import { resolveModelPath } from '../../src/core/runtime/model-path';

const MODELS = join(import.meta.dirname, '..', '..', 'models');
const root = mkdtempSync(join(tmpdir(), 'grain-folder-'));
after(() => rmSync(root, { recursive: true, force: true }));

const HF_BERT = { model_type: 'bert', architectures: ['BertForMaskedLM'], hidden_size: 256, num_hidden_layers: 4, vocab_size: 4096, max_position_embeddings: 256 };

/** A folder with these files (relative paths; .onnx files get a few bytes, JSON values are written as JSON). */
function folder(name: string, files: Record<string, unknown>): string {
  const dir = join(root, name);
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 1));
  }
  return dir;
}

const TOKENIZER = { model: { type: 'WordLevel', vocab: { a: 0 } } };

function throwsGrain(fn: () => unknown, file: string, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof GrainError, `a GrainError, got ${String(e)}`);
    assert.equal(e.where.file, file);
    assert.match(e.message, message);
    return true;
  });
}

test('an optimum export: model.onnx and the Hugging Face files at the root', () => {
  const dir = folder('optimum', {
    'model.onnx': 'onnx',
    'config.json': HF_BERT,
    'tokenizer.json': TOKENIZER,
    'tokenizer_config.json': { mask_token: '[MASK]' },
    'special_tokens_map.json': { mask_token: '[MASK]' },
  });
  const m = resolveModelFolder(dir);
  assert.equal(m.layout, 'optimum');
  assert.equal(m.dir, dir);
  assert.equal(m.modelPath, join(dir, 'model.onnx'));
  assert.equal(m.tokenizer, join(dir, 'tokenizer.json'));
  assert.deepEqual(m.variants.map((v) => [v.name, v.relative, v.precision, v.bytes]), [['model', 'model.onnx', 'full', 4]]);
  assert.deepEqual(resolveModelPath(dir), { dir, modelPath: join(dir, 'model.onnx') });
  // The same model through its file.
  assert.deepEqual(resolveModelPath(join(dir, 'model.onnx')), { dir, modelPath: join(dir, 'model.onnx') });

  const facts = readModelFolderFacts(m);
  assert.equal(facts.source, 'hf-config');
  assert.deepEqual(
    [facts.kind, facts.architectures, facts.hiddenSize, facts.layers, facts.vocabSize, facts.maxPositions],
    ['bert', ['BertForMaskedLM'], 256, 4, 4096, 256],
  );
  assert.equal(expectedBoundaries(facts), 5);
  assert.deepEqual(facts.missing, []);
  assert.deepEqual(facts.warnings, []);
  assert.equal(facts.files.specialTokensMap, join(dir, 'special_tokens_map.json'));
  assert.equal(facts.externalData, false);
});

test('a transformers.js folder: tokenizer and config at the root, every graph in onnx/, model.onnx the default', () => {
  const names = [
    'model', 'model_quantized', 'model_fp16', 'model_int8',
    'decoder_model', 'decoder_model_quantized', 'decoder_model_fp16',
    'decoder_model_merged', 'decoder_model_merged_quantized', 'decoder_model_merged_fp16',
    'decoder_with_past_model', 'decoder_with_past_model_quantized', 'decoder_with_past_model_fp16',
  ];
  const files: Record<string, unknown> = { 'tokenizer.json': TOKENIZER, 'config.json': { model_type: 'gpt2', n_embd: 64, n_layer: 2, n_positions: 128, vocab_size: 50257 } };
  for (const n of names) files[`onnx/${n}.onnx`] = 'onnx';
  const dir = folder('tjs', files);
  const scan = scanModelFolder(dir);
  assert.equal(scan.layout, 'transformers.js');
  assert.equal(scan.dir, dir);
  assert.deepEqual(scan.variants.map((v) => v.name), [
    'model', 'model_fp16', 'model_quantized', 'model_int8',
    'decoder_model', 'decoder_model_fp16', 'decoder_model_quantized',
    'decoder_model_merged', 'decoder_model_merged_fp16', 'decoder_model_merged_quantized',
    'decoder_with_past_model', 'decoder_with_past_model_fp16', 'decoder_with_past_model_quantized',
  ]);
  assert.equal(scan.defaultVariant?.relative, 'onnx/model.onnx');
  assert.equal(resolveModelFolder(dir).modelPath, join(dir, 'onnx', 'model.onnx'));
  // --variant by base name, by file name, or by path.
  for (const v of ['model_quantized', 'model_quantized.onnx', 'onnx/model_quantized.onnx']) {
    assert.equal(resolveModelFolder(dir, { variant: v }).modelPath, join(dir, 'onnx', 'model_quantized.onnx'), v);
  }
  // A path to a file inside picks it; the folder is still the root with the tokenizer.
  const fp16 = resolveModelFolder(join(dir, 'onnx', 'model_fp16.onnx'));
  assert.equal(fp16.dir, dir);
  assert.equal(fp16.chosen.name, 'model_fp16');
  assert.deepEqual(resolveModelPath(join(dir, 'onnx', 'model_fp16.onnx')), { dir, modelPath: join(dir, 'onnx', 'model_fp16.onnx') });
  // The onnx/ folder itself names the same model folder.
  assert.equal(resolveModelFolder(join(dir, 'onnx')).dir, dir);

  const facts = readModelFolderFacts(scan);
  assert.deepEqual([facts.kind, facts.hiddenSize, facts.layers, facts.maxPositions, facts.vocabSize], ['gpt2', 64, 2, 128, 50257]);
  assert.equal(facts.defaultVariant, 'model');
  assert.deepEqual(facts.variants.filter((v) => v.isDefault).map((v) => v.relative), ['onnx/model.onnx']);
  assert.deepEqual(facts.missing.map((m) => m.split(':')[0]), ['tokenizer_config.json', 'special_tokens_map.json']);

  throwsGrain(() => resolveModelFolder(dir, { variant: 'model_q8' }), dir, /no variant 'model_q8' in this model folder; its variants are model \(onnx\/model\.onnx\), model_fp16 \(onnx\/model_fp16\.onnx\)/);
  throwsGrain(
    () => resolveModelFolder(join(dir, 'onnx', 'model_fp16.onnx'), { variant: 'model' }),
    join(dir, 'onnx', 'model_fp16.onnx'),
    /names the file onnx\/model_fp16\.onnx but the variant asked for is model \(onnx\/model\.onnx\)/,
  );
});

test('the default variant follows model, decoder_model, decoder_model_merged, decoder_with_past_model, never a quantized file', () => {
  assert.deepEqual([...DEFAULT_ORDER], ['model', 'decoder_model', 'decoder_model_merged', 'decoder_with_past_model']);
  const cases: [string[], string | undefined][] = [
    [['decoder_model_merged', 'decoder_model', 'decoder_with_past_model', 'decoder_model_quantized'], 'decoder_model'],
    [['decoder_model_merged', 'decoder_model_merged_quantized', 'decoder_with_past_model'], 'decoder_model_merged'],
    [['decoder_with_past_model_fp16', 'decoder_with_past_model'], 'decoder_with_past_model'],
    [['gpt2', 'gpt2_quantized'], 'gpt2'], // the only full-precision file
    [['model_quantized'], 'model_quantized'], // the only file
    [['model_quantized', 'model_fp16'], undefined],
    [['a', 'b'], undefined],
  ];
  cases.forEach(([names, want], i) => {
    const files: Record<string, unknown> = { 'tokenizer.json': TOKENIZER };
    for (const n of names) files[`onnx/${n}.onnx`] = 'onnx';
    const dir = folder(`default-${i}`, files);
    assert.equal(scanModelFolder(dir).defaultVariant?.name, want, names.join(', '));
    if (want) assert.equal(scanModelFolder(dir).variants[0].name, want, 'the default is listed first');
  });
  const none = join(root, 'default-5');
  throwsGrain(
    () => resolveModelFolder(none),
    none,
    /several ONNX files and none is the default \(model\.onnx, decoder_model\.onnx, .*\): model_fp16, model_quantized\. Choose one: --variant NAME on the command line, or give the file's path/,
  );
  assert.equal(resolveModelFolder(none, { variant: 'model_fp16' }).chosen.name, 'model_fp16');
});

test('a single .onnx of any name with its tokenizer beside it, or above it in onnx/', () => {
  const flat = folder('single', { 'my-lm.onnx': 'onnx', 'tokenizer.json': TOKENIZER });
  const m = resolveModelFolder(flat);
  assert.equal(m.modelPath, join(flat, 'my-lm.onnx'));
  assert.equal(m.layout, 'optimum');
  const facts = readModelFolderFacts(m);
  assert.equal(facts.source, 'folder');
  assert.deepEqual(facts.missing.map((x) => x.split(':')[0]), ['config.json', 'tokenizer_config.json', 'special_tokens_map.json']);

  const nested = folder('nested', { 'onnx/xyz.onnx': 'onnx', 'tokenizer.json': TOKENIZER });
  assert.deepEqual(resolveModelPath(join(nested, 'onnx', 'xyz.onnx')), { dir: nested, modelPath: join(nested, 'onnx', 'xyz.onnx') });
  assert.deepEqual(resolveModelPath(nested), { dir: nested, modelPath: join(nested, 'onnx', 'xyz.onnx') });

  // Root and onnx/ both have a model.onnx: the root's is "model", the other "onnx/model".
  const both = folder('both', { 'model.onnx': 'root', 'onnx/model.onnx': 'sub', 'onnx/model_fp16.onnx': 'sub', 'tokenizer.json': TOKENIZER });
  const scan = scanModelFolder(both);
  assert.deepEqual(scan.variants.map((v) => v.name), ['model', 'model_fp16', 'onnx/model']);
  assert.equal(scan.defaultVariant?.relative, 'model.onnx');
  assert.equal(resolveModelFolder(both, { variant: 'onnx/model' }).modelPath, join(both, 'onnx', 'model.onnx'));
});

test('external weight files are listed with their graph; hidden .onnx files (Grain temporaries) are not variants', () => {
  const dir = folder('external', {
    'onnx/model.onnx': 'onnx',
    'onnx/model.onnx_data': 'weights',
    'onnx/model_fp16.onnx': 'onnx',
    'onnx/model_fp16.onnx_data_1': 'weights',
    'onnx/.model.extract.123.onnx': 'temp',
    'tokenizer.json': TOKENIZER,
  });
  const scan = scanModelFolder(dir);
  assert.deepEqual(scan.variants.map((v) => [v.name, v.externalData.map((f) => f.slice(dir.length + 1))]), [
    ['model', ['onnx/model.onnx_data']],
    ['model_fp16', ['onnx/model_fp16.onnx_data_1']],
  ]);
  const facts = readModelFolderFacts(scan);
  assert.equal(facts.externalData, true);
  assert.deepEqual(facts.variants[0].externalData, ['onnx/model.onnx_data']);
  assert.ok(modelFolderFiles(join(dir, 'onnx', 'model.onnx')).includes(join(dir, 'tokenizer.json')), 'the tokenizer above onnx/ is an input too');
});

test('every problem names the folder or file and what is missing', () => {
  const nowhere = join(root, 'nowhere');
  throwsGrain(() => resolveModelFolder(nowhere), nowhere, /no such model folder or file/);

  const empty = folder('empty-folder', { 'readme.txt': 'no model here' });
  throwsGrain(() => resolveModelFolder(empty), empty, /not a model folder: it has no model\.onnx, nor any other \.onnx file in it or in its onnx\/ subfolder/);

  const noTok = folder('no-tokenizer', { 'model.onnx': 'onnx', 'config.json': HF_BERT });
  throwsGrain(() => resolveModelFolder(noTok), noTok, new RegExp(`no tokenizer\\.json for this model: looked in ${noTok}\\. Grain needs`));
  const noTokJs = folder('no-tokenizer-tjs', { 'onnx/model.onnx': 'onnx' });
  throwsGrain(() => resolveModelFolder(noTokJs), noTokJs, new RegExp(`looked in ${noTokJs}/onnx and ${noTokJs}\\.`));
  const file = join(noTokJs, 'onnx', 'model.onnx');
  throwsGrain(() => resolveModelFolder(file), file, new RegExp(`looked in ${noTokJs}/onnx and ${noTokJs}\\.`));

  const notOnnx = join(folder('json-model', { 'tokenizer.json': TOKENIZER }), 'tokenizer.json');
  throwsGrain(() => resolveModelFolder(notOnnx), notOnnx, /is not an \.onnx file: give a model folder, or the \.onnx file inside one/);

  const zero = folder('zero', { 'model.onnx': '', 'tokenizer.json': TOKENIZER });
  throwsGrain(() => resolveModelFolder(zero), join(zero, 'model.onnx'), /this file is not an ONNX model: the file is empty/);
  // Listing it still works (the Models view shows the folder and this message).
  assert.equal(scanModelFolder(zero).variants[0].bytes, 0);
});

test('config.json: a malformed one is a warning naming the file and line; other key names and text_config are read', () => {
  const bad = folder('bad-config', { 'model.onnx': 'onnx', 'tokenizer.json': TOKENIZER, 'config.json': '{\n  "model_type": "bert",\n  "hidden_size": 256,,\n}\n' });
  const facts = readModelFolderFacts(scanModelFolder(bad));
  assert.equal(facts.source, 'folder');
  assert.equal(facts.warnings.length, 1);
  assert.match(facts.warnings[0], new RegExp(`^${bad}/config\\.json:3: is not valid JSON`));

  const variants: [Record<string, unknown>, number[]][] = [
    [{ model_type: 't5', d_model: 512, num_layers: 6, vocab_size: 32128 }, [512, 6, 32128]],
    [{ model_type: 'distilbert', dim: 768, n_layers: 6, max_position_embeddings: 512 }, [768, 6, 512]],
    [{ model_type: 'llava', text_config: { hidden_size: 4096, num_hidden_layers: 32 } }, [4096, 32]],
  ];
  variants.forEach(([config, want], i) => {
    const dir = folder(`keys-${i}`, { 'model.onnx': 'onnx', 'tokenizer.json': TOKENIZER, 'config.json': config });
    const f = readModelFolderFacts(scanModelFolder(dir));
    const got = [f.hiddenSize, f.layers, f.vocabSize ?? f.maxPositions].filter((x) => x !== undefined);
    assert.deepEqual(got, want, JSON.stringify(config));
  });

  const neither = folder('neither', { 'model.onnx': 'onnx', 'tokenizer.json': TOKENIZER, 'config.json': { foo: 1 } });
  assert.match(readModelFolderFacts(scanModelFolder(neither)).warnings[0], /holds neither a Hugging Face config \("model_type"\) nor a Grain model card/);

  // A Grain card with a bad field: the folder is still a model (the CLI runs it); the card's problem is a warning.
  const card = folder('bad-card', { 'model.onnx': 'onnx', 'tokenizer.json': TOKENIZER, 'config.json': { architecture: 'lstm' } });
  const cf = readModelFolderFacts(scanModelFolder(card));
  assert.equal(cf.source, 'folder');
  assert.match(cf.warnings[0], new RegExp(`^${card}/config\\.json: "hidden_size" must be a positive integer, got undefined`));
});

test("Grain's demo models: their card's facts", () => {
  const facts = readModelFolderFacts(scanModelFolder(join(MODELS, 'brown-gpt')));
  assert.equal(facts.source, 'card');
  assert.deepEqual(
    [facts.name, facts.kind, facts.hiddenSize, facts.layers, facts.layerBoundaries?.length, facts.parameters, facts.maxPositions, facts.graphInputs],
    ['brown-gpt', 'gpt', 256, 4, 5, 4273664, 256, ['input_ids']],
  );
  assert.equal(facts.files.card, join(MODELS, 'brown-gpt', 'MODEL_CARD.md'));
  assert.deepEqual(facts.missing.map((m) => m.split(':')[0]), ['special_tokens_map.json']);
});

test('sameModel: the real path of the .onnx file a path runs (links, .., folder or file)', () => {
  const dir = folder('same', { 'onnx/model.onnx': 'a', 'onnx/model_fp16.onnx': 'b', 'tokenizer.json': TOKENIZER });
  const link = join(root, 'same-link');
  symlinkSync(dir, link);
  assert.ok(sameModel(dir, `${dir}/`));
  assert.ok(sameModel(dir, join(dir, 'onnx', 'model.onnx')));
  assert.ok(sameModel(link, dir));
  assert.ok(sameModel(join(dir, 'onnx', '..', 'onnx', 'model.onnx'), link));
  assert.ok(!sameModel(dir, join(dir, 'onnx', 'model_fp16.onnx')), 'another variant is another model');
  // Two copies of one model with the same folder name are two models (no basename comparison).
  const copy = folder(join('elsewhere', 'same'), { 'onnx/model.onnx': 'a', 'tokenizer.json': TOKENIZER });
  assert.ok(!sameModel(dir, copy));
  // A path that is gone still equals itself.
  assert.ok(sameModel(join(root, 'gone'), join(root, 'gone', '')));
  assert.equal(modelIdentity(link), join(dir, 'onnx', 'model.onnx'));
});

test('display names: the folder, plus the variant when a file other than the default is named', () => {
  const dir = folder('names', { 'onnx/model.onnx': 'a', 'onnx/model_quantized.onnx': 'b', 'tokenizer.json': TOKENIZER });
  assert.equal(modelDisplayName(dir), 'names');
  assert.equal(modelDisplayName(join(dir, 'onnx', 'model.onnx')), 'names');
  assert.equal(modelDisplayName(join(dir, 'onnx', 'model_quantized.onnx')), 'names · model_quantized');
  assert.equal(modelDisplayName(join(root, 'gone-model')), 'gone-model');
});
