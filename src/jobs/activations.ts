import { join } from 'node:path';
import type { Aggregation, LayerFilter, SiteSelection } from '../shared/jobs';
import { GrainError } from '../core/errors';
import { openExtractionModel } from '../core/extract/model';
import { extractTo } from '../core/extract/extractor';
import { createSink, openActivations, sentenceFingerprint, type ActivationSource } from '../core/store';
import type { JobContext } from './context';

export interface ExtractionSettings {
  aggregation: Aggregation;
  sites: SiteSelection;
  layerFilter?: LayerFilter;
  batchSize: number;
  threads: number;
}

export interface Sentences {
  sentences: string[][];
  lines?: number[];
  /** The file they came from, for messages. */
  source: string;
}

/**
 * Word-level activations of `text` by `model`, streamed to a Grain store in `dir` and opened as a
 * chunked source, so that later passes never need the whole corpus in memory.
 */
export async function extractToStore(model: string, text: Sentences, settings: ExtractionSettings, dir: string, tag: string, ctx: JobContext) {
  const started = performance.now();
  const m = await openExtractionModel(model, { sites: settings.sites, threads: settings.threads, layers: settings.layerFilter });
  const file = join(dir, `${tag}.grain`);
  try {
    await extractTo(
      m,
      {
        sentences: text.sentences,
        lines: text.lines,
        source: text.source,
        aggregation: settings.aggregation,
        subword: false,
        keepSpecial: false,
        batchSize: settings.batchSize,
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress({ stage: `extracting ${tag}`, done, total }),
        onWarning: (w) => ctx.warn(w),
      },
      createSink(file, 'grain', { dtype: 'float32', meta: { model: m.dir } }),
    );
  } finally {
    await m.close();
  }
  return { source: await openActivations(file, ctx.signal), seconds: (performance.now() - started) / 1000 };
}

/**
 * Activations the user brought (any format Grain reads) for `text`: they must be the activations
 * of this very text, or the labels would silently pair with the wrong words. Same counts are not
 * enough (every line reversed has them): a Grain store's sentence fingerprints, or else the
 * stored words, must equal the text's, and the first line that differs is named.
 */
export async function openMatchingActivations(path: string, text: Sentences | undefined, ctx: JobContext): Promise<ActivationSource> {
  const source = await openActivations(path, ctx.signal);
  if (!text) return source;
  try {
    checkSameText(source, text, path);
  } catch (e) {
    source.close();
    throw e;
  }
  return source;
}

function checkSameText(source: ActivationSource, text: Sentences, path: string): void {
  const sentences = source.sentenceOffsets.length - 1;
  if (sentences !== text.sentences.length) {
    throw new GrainError(`the activations hold ${sentences} sentences but ${text.source} has ${text.sentences.length}`, { file: path });
  }
  const where = (i: number) => ({ file: text.source, line: text.lines?.[i] ?? i + 1 });
  for (let i = 0; i < sentences; i++) {
    const words = text.sentences[i];
    const from = source.sentenceOffsets[i];
    const rows = source.sentenceOffsets[i + 1] - from;
    if (rows !== words.length) {
      throw new GrainError(
        `sentence ${i + 1} has ${rows} activation rows but ${words.length} words in ${text.source} (were they extracted with --subword or --keep-special?)`,
        where(i),
      );
    }
    const fingerprint = source.sentenceFingerprints?.[i];
    if (fingerprint) {
      if (fingerprint !== sentenceFingerprint(words)) {
        throw new GrainError(`the activations in ${path} were extracted from another text: this line differs from the sentence they hold`, where(i));
      }
      continue;
    }
    for (let w = 0; w < rows; w++) {
      if (source.tokens[from + w] !== words[w]) {
        throw new GrainError(
          `the activations in ${path} were extracted from another text: word ${w + 1} is ${JSON.stringify(source.tokens[from + w])} there and ${JSON.stringify(words[w])} here`,
          where(i),
        );
      }
    }
  }
}
