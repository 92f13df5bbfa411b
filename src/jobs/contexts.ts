import type { ContextsJob } from '../shared/jobs';
import type { ContextsSummary } from '../shared/job-results';
import { header, type ContextList, type ContextSentence, type ContextsResult, type NeuronContexts } from '../shared/results';
import { DEFAULTS } from '../shared/defaults';
import { GRAIN_VERSION } from '../shared/version';
import { GrainError, throwIfAborted } from '../core/errors';
import { extractTo } from '../core/extract/extractor';
import { openExtractionModel } from '../core/extract/model';
import { resolveModelPath } from '../core/runtime/model-path';
import { sentenceOfRow, TopContextsAccumulator, type TopContexts } from '../core/contexts/top-k';
import { writeJsonAtomic } from '../core/io/atomic';
import { corpusFiles } from '../core/text/corpus-files';
import { readSentenceFile } from '../core/text';
import type { ActivationSink } from '../core/store';
import { readResult } from '../results/read';
import { contextsAnswer } from '../results/contexts-cache';
import { corpusFingerprint, sameFingerprint } from '../core/contexts/fingerprint';
import type { JobContext } from './context';

/**
 * Top and bottom contexts of every neuron over a corpus in one pass: each file's sentences run
 * through the model into one accumulator (a bounded heap per neuron; the activations are never
 * stored), then the sentences that hold a kept context are read again for their words. A saved
 * result is reused while the model file, the settings and every corpus file are unchanged.
 */
export async function runContexts(job: ContextsJob, ctx: JobContext): Promise<ContextsSummary> {
  const started = performance.now();
  const { modelPath } = resolveModelPath(job.model);
  const files = corpusFiles(job.input, DEFAULTS.contexts.extensions);
  const fingerprint = corpusFingerprint(modelPath, files);

  if (!job.force) {
    const saved = reusable(job, modelPath, files);
    if (saved) {
      ctx.log(`top contexts: reusing ${job.out} (same model, settings and corpus)`);
      return summary(job.out, saved, true, (performance.now() - started) / 1000);
    }
  }

  ctx.progress({ stage: 'loading model', done: 0, total: files.length });
  const model = await openExtractionModel(job.model, { sites: job.sites, threads: job.threads });
  let extractSeconds = 0;
  // Where each sentence of the whole corpus is: its file and line.
  const sentenceFile: number[] = [];
  const sentenceLine: number[] = [];
  try {
    const wanted = checkNeurons(job.neurons, model.neurons);
    const acc = new TopContextsAccumulator(job.top);
    await acc.begin(model.sites);
    // One accumulator across the files: extractTo begins and closes its sink once per file.
    const across: ActivationSink = {
      begin: async () => {},
      appendRows: (tokens, rows) => acc.appendRows(tokens, rows),
      endSentence: () => acc.endSentence(),
      close: async () => {},
      abort: async () => {},
    };
    for (let f = 0; f < files.length; f++) {
      throwIfAborted(ctx.signal);
      const text = readCorpusFile(files[f], files.length > 1, ctx);
      if (!text) continue;
      const stage = files.length > 1 ? `top contexts (file ${f + 1} of ${files.length})` : 'top contexts';
      const run = await extractTo(
        model,
        {
          sentences: text.sentences,
          lines: text.lines,
          source: files[f],
          aggregation: job.aggregation,
          subword: false,
          keepSpecial: false,
          batchSize: job.batchSize,
          signal: ctx.signal,
          onProgress: (done, total) => ctx.progress({ stage, done, total }),
          onWarning: (w) => ctx.warn(w),
        },
        across,
      );
      extractSeconds += run.seconds;
      for (const line of text.lines) {
        sentenceFile.push(f);
        sentenceLine.push(line);
      }
    }
    if (sentenceFile.length === 0) throw new GrainError('no sentences in any of the corpus files', { file: job.input });
    const top = acc.result();
    const result = buildResult(job, files, fingerprint, model.sites, top, wanted, sentenceFile, sentenceLine, extractSeconds, started);
    if (!sameFingerprint(corpusFingerprint(modelPath, files), fingerprint)) {
      throw new GrainError('the model or a corpus file changed while Grain was reading it; run again', { file: job.input });
    }
    writeJsonAtomic(job.out, result);
    ctx.log(`top contexts of ${model.neurons} neurons over ${top.rows} words in ${result.timings.totalSeconds.toFixed(1)} s: ${job.out}`);
    return summary(job.out, result, false, result.timings.totalSeconds);
  } finally {
    await model.close();
  }
}

function summary(path: string, r: ContextsResult, cached: boolean, seconds: number): ContextsSummary {
  return { path, cached, neurons: r.neurons, listed: r.contexts.length, rows: r.rows, sentences: r.sentenceCount, files: r.files.length, seconds };
}

/** The saved result at job.out, when it holds what the job asks for and nothing it was made from changed. */
function reusable(job: ContextsJob, modelPath: string, files: string[]): ContextsResult | undefined {
  try {
    const r = readResult(job.out);
    if (r.kind !== 'contexts') return undefined;
    return contextsAnswer(r.result, { modelPath, files, aggregation: job.aggregation, sites: job.sites, top: job.top, neurons: job.neurons }) ? r.result : undefined;
  } catch {
    return undefined;
  }
}

/** A corpus file's sentences; in a folder, a blank file is skipped with a warning instead of failing the run. */
function readCorpusFile(path: string, inFolder: boolean, ctx: JobContext): { sentences: string[][]; lines: number[] } | undefined {
  try {
    return readSentenceFile(path);
  } catch (e) {
    if (inFolder && e instanceof GrainError && /no sentences/.test(e.message)) {
      ctx.warn(`${path}: no sentences (blank file); skipped`);
      return undefined;
    }
    throw e;
  }
}

function checkNeurons(neurons: number[] | undefined, total: number): number[] {
  if (!neurons) return Array.from({ length: total }, (_, i) => i);
  for (const n of neurons) {
    if (!Number.isInteger(n) || n < 0 || n >= total) throw new GrainError(`neuron ${n} does not exist: this model has neurons 0 to ${total - 1}`);
  }
  return [...new Set(neurons)].sort((a, b) => a - b);
}

const float32 = (v: number): number => Number(v.toPrecision(9));

function buildResult(
  job: ContextsJob,
  files: string[],
  fingerprint: ContextsResult['fingerprint'],
  sites: ContextsResult['sites'],
  top: TopContexts,
  wanted: number[],
  sentenceFile: number[],
  sentenceLine: number[],
  extractSeconds: number,
  started: number,
): ContextsResult {
  const { k } = top;
  const offsets = top.sentenceOffsets;
  // Corpus sentence -> its index in the result's sentence list.
  const used = new Map<number, number>();
  const lists = (values: Float32Array, rows: Int32Array, count: number, j: number): ContextList => {
    const out: ContextList = { sentence: [], word: [], value: [] };
    for (let i = 0; i < count; i++) {
      const row = rows[j * k + i];
      const s = sentenceOfRow(offsets, row);
      if (!used.has(s)) used.set(s, -1);
      out.sentence.push(s);
      out.word.push(row - offsets[s]);
      out.value.push(float32(values[j * k + i]));
    }
    return out;
  };
  const contexts: NeuronContexts[] = wanted.map((j) => ({
    neuron: j,
    mean: top.stats.mean[j],
    std: top.stats.std[j],
    top: lists(top.topValues, top.topRows, top.topCount[j], j),
    bottom: lists(top.bottomValues, top.bottomRows, top.bottomCount[j], j),
  }));
  const corpusSentences = [...used.keys()].sort((a, b) => a - b);
  corpusSentences.forEach((s, i) => used.set(s, i));
  for (const c of contexts) {
    c.top.sentence = c.top.sentence.map((s) => used.get(s)!);
    c.bottom.sentence = c.bottom.sentence.map((s) => used.get(s)!);
  }
  return {
    ...header('contexts', GRAIN_VERSION),
    model: job.model,
    input: job.input,
    files,
    settings: { aggregation: job.aggregation, sites: job.sites, top: job.top },
    sites,
    neurons: top.neurons,
    rows: top.rows,
    sentenceCount: offsets.length - 1,
    fingerprint,
    sentences: sentenceWords(files, corpusSentences, sentenceFile, sentenceLine),
    contexts,
    timings: { extractSeconds, totalSeconds: (performance.now() - started) / 1000 },
  };
}

/** The words of the given corpus sentences, read again from their files (only the files that hold one). */
function sentenceWords(files: string[], corpusSentences: number[], sentenceFile: number[], sentenceLine: number[]): ContextSentence[] {
  const byFile = new Map<number, Map<number, string[]>>();
  for (const s of corpusSentences) {
    const f = sentenceFile[s];
    if (!byFile.has(f)) byFile.set(f, new Map());
  }
  for (const [f, lines] of byFile) {
    const text = readSentenceFile(files[f]);
    text.lines.forEach((line, i) => lines.set(line, text.sentences[i]));
  }
  return corpusSentences.map((s) => {
    const f = sentenceFile[s];
    const line = sentenceLine[s];
    const words = byFile.get(f)!.get(line);
    if (!words) throw new GrainError('the file changed while Grain was reading it; run again', { file: files[f], line });
    return { file: f, line, words };
  });
}
