// grain inspect on the demo models, on a transformers.js folder built from them with a Hugging
// Face config.json, on a graph with an input Grain cannot feed, and on a folder with no default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, grain, tempDir } from '../helpers/cli';
import type { InspectReport, InspectSites, InspectGraph, InspectTokenizer, InspectRun } from '../../src/shared/inspect';

const HF_BERT = { model_type: 'bert', architectures: ['BertForMaskedLM'], hidden_size: 256, num_hidden_layers: 4, vocab_size: 4096, max_position_embeddings: 256 };

function inspectJson(args: string[]): { status: number | null; report: InspectReport; stderr: string } {
  const run = grain(['inspect', ...args, '--json', '--threads', '1']);
  return { status: run.status, report: JSON.parse(run.stdout) as InspectReport, stderr: run.stderr };
}

test('grain inspect models/brown-gpt: layout, tokenizer, feeds, outputs, sites with widths, objective', () => {
  const run = grain(['inspect', '--model', join(MODELS, 'brown-gpt'), '--threads', '1']);
  assert.equal(run.status, 0, run.stderr);
  const text = run.stdout;
  assert.match(text, /^folder {6}.*brown-gpt \(optimum layout: the graph at the root\)$/m);
  assert.match(text, /^variants {4}model \(model\.onnx, 8\.6 MB, default, chosen, full precision\)$/m);
  assert.match(text, /^config {6}config\.json: Grain model card: gpt, 5 layer boundaries \(embeddings, layer1, layer2, layer3, layer4\) of 256, 4,273,664 parameters/m);
  assert.match(text, /^tokenizer {3}tokenizer\.json: BPE, vocabulary 4096, max length 256$/m);
  assert.match(text, /^inputs {6}input_ids int64 \[batch, sequence\]: fed token ids, right-padded with id 1$/m);
  assert.match(text, /^outputs {5}logits float32 \[batch, sequence, 4096\]$/m);
  assert.match(text, /^sites {7}found by node-scopes: node names with block scopes m\.h\.N \(4 blocks\)$/m);
  assert.match(text, /^ {14}layer4 {8}256 {2}\[batch, seq, units\] {2}\/m\/h\.3\/Add_1_output_0$/m);
  assert.match(text, /^MLP sites {3}4 \(mlp1-mlp4\)$/m);
  assert.match(text, /^ {14}mlp4 {9}1024 {2}\[batch, seq, units\]/m);
  assert.match(text, /^run {9}5376 neurons; right padding leaves the real positions unchanged/m);
  assert.match(text, /^objective {3}causal-lm \(/m);
  assert.match(text, /^ {12}output logits: last axis 4096 vs tokenizer vocabulary 4096 \(equal\)$/m);
  assert.match(text, /^missing {5}special_tokens_map\.json$/m);
  assert.match(text, /^usable {6}yes$/m);

  const { status, report } = inspectJson(['--model', join(MODELS, 'brown-gpt')]);
  assert.equal(status, 0);
  assert.equal(report.schema, 'grain.inspect');
  assert.equal(report.version, 1);
  assert.equal(report.folder.modelPath, join(MODELS, 'brown-gpt', 'model.onnx'));
  const sites = report.sites as InspectSites;
  assert.equal(sites.method, 'node-scopes');
  assert.deepEqual(sites.boundaries.map((s) => [s.name, s.width, s.layout]), [
    ['embeddings', 256, 'bsh'], ['layer1', 256, 'bsh'], ['layer2', 256, 'bsh'], ['layer3', 256, 'bsh'], ['layer4', 256, 'bsh'],
  ]);
  assert.deepEqual(Array.isArray(sites.mlp) && sites.mlp.map((s) => s.width), [1024, 1024, 1024, 1024]);
  assert.deepEqual(report.run, { ...(report.run as InspectRun), padSafe: true, neurons: 5376 });
  assert.equal(report.objective?.ablation, 'causal-lm');
  assert.equal((report.graph as InspectGraph).parameters, 4273664, 'the card states the same count');
  assert.equal(report.usable, true);
});

test('grain inspect models/brown-bert: attention mask fed, [CLS] … [SEP] template, masked-LM objective', () => {
  const { status, report } = inspectJson(['--model', join(MODELS, 'brown-bert')]);
  assert.equal(status, 0);
  const graph = report.graph as InspectGraph;
  assert.deepEqual(graph.inputs.map((i) => [i.name, i.type, i.feed]), [
    ['input_ids', 'int64', 'token ids, right-padded with id 0'],
    ['attention_mask', 'int64', '1 on tokens, 0 on padding'],
  ]);
  const tok = report.tokenizer as InspectTokenizer;
  assert.deepEqual([tok.type, tok.vocabSize, tok.maxLength], ['WordPiece', 4096, 256]);
  assert.deepEqual(tok.template, { prefix: ['[CLS]'], suffix: ['[SEP]'] });
  assert.deepEqual(tok.special.find((s) => s.role === 'mask'), { role: 'mask', token: '[MASK]', id: 4 });
  assert.equal(report.objective?.ablation, 'masked-lm');
  assert.equal((report.sites as InspectSites).boundaries.length, 5);
  assert.ok(!report.missing.some((m) => /mask token/.test(m)));
});

test('a transformers.js folder with a Hugging Face config.json: default and --variant, text and --json', (t) => {
  const dir = join(tempDir(t), 'my-bert');
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(MODELS, 'brown-bert', f), join(dir, f));
  copyFileSync(join(MODELS, 'brown-bert', 'model.onnx'), join(dir, 'onnx', 'model.onnx'));
  copyFileSync(join(MODELS, 'brown-gpt', 'model.onnx'), join(dir, 'onnx', 'model_quantized.onnx'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify(HF_BERT, null, 2));
  writeFileSync(join(dir, 'special_tokens_map.json'), JSON.stringify({ mask_token: '[MASK]', pad_token: '[PAD]', cls_token: '[CLS]', sep_token: '[SEP]', unk_token: '[UNK]' }));

  const text = grain(['inspect', '--model', dir, '--threads', '1']);
  assert.equal(text.status, 0, text.stdout + text.stderr);
  assert.match(text.stdout, /\(transformers\.js layout: graphs in onnx\/, tokenizer and config at the root\)/);
  assert.match(text.stdout, /^variants {4}model \(onnx\/model\.onnx, 8\.8 MB, default, chosen, full precision\)\n {12}model_quantized \(onnx\/model_quantized\.onnx, 8\.6 MB, quantized\)$/m);
  assert.match(text.stdout, /^config {6}config\.json: Hugging Face config: model_type bert \(BertForMaskedLM\), 4 layers, hidden size 256, vocabulary 4096, 256 positions$/m);
  assert.match(text.stdout, /^graph {7}onnx\/model\.onnx: /m);
  assert.match(text.stdout, /^objective {3}masked-lm/m);
  assert.doesNotMatch(text.stdout, /^missing/m, 'nothing missing');

  const { report } = inspectJson(['--model', dir]);
  assert.equal(report.folder.layout, 'transformers.js');
  assert.equal(report.folder.dir, dir);
  assert.equal(report.config.source, 'hf-config');
  assert.deepEqual([report.config.kind, report.config.hiddenSize, report.config.layers], ['bert', 256, 4]);
  assert.deepEqual(report.folder.variants.map((v) => [v.name, v.isDefault, v.chosen]), [['model', true, true], ['model_quantized', false, false]]);
  assert.equal(report.folder.modelPath, join(dir, 'onnx', 'model.onnx'));

  // --variant, or the file's path, picks the other graph (here brown-gpt's, a causal LM).
  for (const args of [['--model', dir, '--variant', 'model_quantized'], ['--model', join(dir, 'onnx', 'model_quantized.onnx')]]) {
    const other = inspectJson(args).report;
    assert.equal(other.folder.chosen, 'model_quantized', args.join(' '));
    assert.equal(other.folder.modelPath, join(dir, 'onnx', 'model_quantized.onnx'));
    assert.equal(other.objective?.ablation, 'causal-lm');
  }
  const bad = grain(['inspect', '--model', dir, '--variant', 'model_fp16']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /my-bert: no variant 'model_fp16' in this model folder; its variants are model \(onnx\/model\.onnx\), model_quantized \(onnx\/model_quantized\.onnx\)/);

  // The other commands take --variant too.
  const input = join(dir, '..', 'in.txt');
  writeFileSync(input, 'The jury said .\n');
  const extract = grain(['extract', '--model', dir, '--variant', 'model_quantized', '--input', input, '--out', join(dir, '..', 'q.grain'), '--threads', '1']);
  assert.equal(extract.status, 0, extract.stderr);
  assert.match(extract.stdout, /wrote 4 rows x 1280 neurons/);
});

test('an input Grain cannot feed is listed with the reason; the report is printed and the exit code is 1', async (t) => {
  const { encodeModelProto } = await import('../../src/core/onnx');
  // A seq2seq decoder: it also takes the encoder's output, which no text alone gives.
  const dir = join(tempDir(t), 'seq2seq-decoder');
  mkdirSync(dir);
  copyFileSync(join(MODELS, 'brown-gpt', 'tokenizer.json'), join(dir, 'tokenizer.json'));
  const int64 = (name: string) => ({ name, type: { tensorType: { elemType: 7, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'sequence' }] } } } });
  writeFileSync(
    join(dir, 'decoder_model.onnx'),
    encodeModelProto({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'decoder',
        node: [{ opType: 'Identity', input: ['encoder_hidden_states'], output: ['out'], name: 'only' }],
        input: [int64('input_ids'), { name: 'encoder_hidden_states', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'encoder_sequence' }, { dimValue: 64 }] } } } }],
        output: [{ name: 'out', type: { tensorType: { elemType: 1 } } }],
      },
    }),
  );
  const run = grain(['inspect', '--model', dir, '--threads', '1']);
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stdout, /^variants {4}decoder_model \(decoder_model\.onnx, .*default, chosen, full precision\)$/m);
  assert.match(run.stdout, /^inputs {6}input_ids int64 \[batch, sequence\]: fed token ids/m);
  assert.match(run.stdout, /^ {12}encoder_hidden_states float32 \[batch, encoder_sequence, 64\]: cannot be fed: the model takes input\(s\) Grain cannot fill: encoder_hidden_states\b/m);
  assert.match(run.stdout, /^problems {4}.*decoder_model\.onnx: the model takes input\(s\) Grain cannot fill: encoder_hidden_states\b/m);
  assert.match(run.stdout, /^usable {6}no$/m);
  assert.match(run.stderr, /grain inspect: error: .*seq2seq-decoder: this model cannot be used as it is/);
  assert.doesNotMatch(run.stderr + run.stdout, /internal error|\n\s+at /);
  const { report } = inspectJson(['--model', dir]);
  const graph = report.graph as InspectGraph;
  assert.equal(graph.feedable, false);
  assert.equal(graph.inputs[1].feed, null);
  assert.equal(report.run, undefined, 'not run');
  assert.equal(report.objective?.ablation, null);
});

test('a folder of variants without a default: the report lists them and says how to choose', (t) => {
  const dir = join(tempDir(t), 'two');
  mkdirSync(dir);
  copyFileSync(join(MODELS, 'brown-gpt', 'tokenizer.json'), join(dir, 'tokenizer.json'));
  copyFileSync(join(MODELS, 'brown-gpt', 'model.onnx'), join(dir, 'gpt_a.onnx'));
  copyFileSync(join(MODELS, 'brown-gpt', 'model.onnx'), join(dir, 'gpt_b.onnx'));
  const { status, report } = inspectJson(['--model', dir]);
  assert.equal(status, 1);
  assert.equal(report.folder.defaultVariant, null);
  assert.equal(report.graph, undefined);
  assert.match(report.problems[0], /two: several ONNX files and none is the default .*: gpt_a, gpt_b\. Choose one: --variant NAME/);
  assert.deepEqual(report.missing.map((m) => m.split(':')[0]), ['config.json', 'tokenizer_config.json', 'special_tokens_map.json', 'a mask token (mask_token)', 'a position limit (model_max_length in tokenizer_config.json)']);
  assert.equal(inspectJson(['--model', dir, '--variant', 'gpt_b']).status, 0);
});
