import type { ExtractJob } from '../shared/jobs';
import type { ExtractResult } from '../shared/job-results';
import { openExtractionModel } from '../core/extract/model';
import { extractTo } from '../core/extract/extractor';
import { readSentenceFile } from '../core/text';
import { createSink, PerLayerSink, perLayerPath, type ActivationSink } from '../core/store';
import { checkOutputPath } from '../core/io/output-guard';
import { jobInputs } from './files';
import type { JobContext } from './context';

export async function runExtract(job: ExtractJob, ctx: JobContext): Promise<ExtractResult> {
  const { sentences, lines } = readSentenceFile(job.input);
  ctx.progress({ stage: 'loading model', done: 0, total: sentences.length });
  const model = await openExtractionModel(job.model, { sites: job.sites, threads: job.threads, layers: job.layerFilter });
  try {
    ctx.log(`model ${model.modelPath}: sites ${model.sites.map((s) => `${s.name}(${s.width})`).join(', ')}; right padding ${model.padSafe ? 'safe' : 'unsafe: batches hold equal lengths only'}`);
    const opts = { dtype: job.dtype, meta: { model: model.dir, input: job.input, aggregation: job.aggregation, subword: job.subword } };
    let files = [job.out];
    let sink: ActivationSink;
    if (job.decomposeLayers) {
      files = model.sites.map((s, i) => perLayerPath(job.out, s, model.neuroxIndex[i]));
      // Each file, not only --out, must be safe to write (never an input, a folder or a system path).
      for (const f of files) checkOutputPath(f, jobInputs(job));
      sink = new PerLayerSink(files.map((path) => ({ path, sink: createSink(path, job.format, opts) })));
    } else {
      sink = createSink(job.out, job.format, opts);
    }
    const summary = await extractTo(
      model,
      {
        sentences,
        lines,
        source: job.input,
        aggregation: job.aggregation,
        subword: job.subword,
        keepSpecial: job.keepSpecial,
        batchSize: job.batchSize,
        window: job.window,
        signal: ctx.signal,
        onProgress: (done, total) => ctx.progress({ stage: 'extracting', done, total }),
        onWarning: (m) => ctx.warn(m),
      },
      sink,
    );
    return { ...summary, out: job.out, files, format: job.format, sites: model.sites.map((s) => ({ name: s.name, width: s.width, tensor: s.tensor })) };
  } finally {
    await model.close();
  }
}
