import { join } from 'node:path';
import { openExtractionModel } from '../../core/extract/model';
import { extractTo } from '../../core/extract/extractor';
import { compareWithGolden, readGolden } from '../../core/extract/golden';
import { MemorySink } from '../../core/store';
import { GrainError } from '../../core/errors';
import { finiteNumber, parseFlags, required, threadCount, VARIANT_USAGE } from '../args';
import { resolveModelFolder } from '../../core/model/folder';
import { defaultThreads } from './extract';
import type { Out } from '../context';

export const goldenUsage = `grain golden --model DIR [--variant NAME] [--golden FILE] [--tolerance 1e-4]
  Extracts the golden sentences subword by subword and compares every boundary activation
  with the reference (golden.json from torch). Exits 1 when any differs by more than the tolerance.
${VARIANT_USAGE}`;

export async function goldenCommand(argv: string[], out: Out): Promise<void> {
  const f = parseFlags(argv, {
    model: { type: 'string' },
    variant: { type: 'string' },
    golden: { type: 'string' },
    tolerance: { type: 'string', default: '1e-4' },
    threads: { type: 'string', default: String(defaultThreads()) },
  });
  const folder = resolveModelFolder(required(f, 'model'), { variant: f.variant as string | undefined });
  const goldenPath = (f.golden as string | undefined) ?? join(folder.dir, 'golden.json');
  const tolerance = finiteNumber('tolerance', f.tolerance as string, 0);
  const golden = readGolden(goldenPath);
  const model = await openExtractionModel(folder.modelPath, { sites: 'layers', threads: threadCount(f.threads as string) });
  try {
    const sink = new MemorySink();
    await extractTo(
      model,
      { sentences: golden.sentences.map((s) => s.words), source: goldenPath, aggregation: 'last', subword: true, keepSpecial: true, batchSize: 8 },
      sink,
    );
    const result = compareWithGolden(sink.result(), golden);
    let worst = 0;
    for (const [name, diff] of Object.entries(result.maxAbsDiff)) {
      out.info(`${name}: max |grain - golden| = ${diff.toExponential(3)}`);
      worst = Math.max(worst, diff);
    }
    if (worst > tolerance) {
      throw new GrainError(`activations differ from golden by up to ${worst.toExponential(3)} (tolerance ${tolerance})`, { file: goldenPath });
    }
    out.info(`ok: ${result.compared} values within ${tolerance} of ${goldenPath}`);
  } finally {
    await model.close();
  }
}
