/**
 * `npm run bench`: every speed and memory goal of the project, measured in one run on this
 * machine and printed as a table plus JSON (bench-results.json). Timings are noisy on 2 shared
 * cores: goals are ratios within one run.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { extractionPeakMemory, extractionThroughput } from './extract';

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

async function main(): Promise<void> {
  const threads = cpus().length;
  const results: Record<string, unknown> = { machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version } };

  if (want('extract')) {
    const throughput = [];
    for (const m of ['models/brown-lstm-s1', 'models/brown-gpt']) {
      const r = await extractionThroughput(m, threads);
      throughput.push(r);
      console.log(
        `extract ${m}: bare ${r.bareWordsPerSecond.toFixed(0)} words/s, grain ${r.grainWordsPerSecond.toFixed(0)} words/s, ` +
          `overhead ${(100 * r.overhead).toFixed(1)}% (goal <= 10%) ${r.overhead <= 0.1 ? 'OK' : 'MISSED'}`,
      );
    }
    const memory = extractionPeakMemory('models/brown-gpt', 'all');
    console.log(
      `extract memory brown-gpt all sites: peak ${(memory.peakRssBytes / 2 ** 20).toFixed(0)} MiB vs activations ${(memory.activationBytes / 2 ** 20).toFixed(0)} MiB + model ${(memory.modelBytes / 2 ** 20).toFixed(0)} MiB: ` +
        `ratio ${memory.ratio.toFixed(2)} (goal <= 1.5) ${memory.ratio <= 1.5 ? 'OK' : 'MISSED'}`,
    );
    results.extract = { throughput, memory };
  }

  writeFileSync('bench-results.json', JSON.stringify(results, null, 2) + '\n');
  console.log('wrote bench-results.json');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
