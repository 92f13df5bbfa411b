/**
 * `npm run bench`: every speed and memory goal of the project, measured in one run on this
 * machine and printed as a table plus JSON (bench-results.json). Timings are noisy on 2 shared
 * cores: goals are ratios within one run.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractionPeakMemory, extractionThroughput } from './extract';
import { runProbeBench } from './probe';
import { runCorrelateBench } from './correlate';
import { runContextsBench } from './contexts';
import { formatHostBench, runHostBench } from './host';
import { runRankBench } from './rank';
import { openActivations } from '../src/core/store';

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
        `extract ${m}: model.onnx forward pass ${r.bareWordsPerSecond.toFixed(0)} words/s, grain ${r.grainWordsPerSecond.toFixed(0)} words/s, ` +
          `overhead ${(100 * r.overhead).toFixed(1)}% (goal <= 10%) ${r.overhead <= 0.1 ? 'OK' : 'MISSED'}; ` +
          `over the sites-only passes ${(100 * r.overheadOverSitesOnly).toFixed(1)}%`,
      );
    }
    const memory = extractionPeakMemory('models/brown-gpt', 'all');
    console.log(
      `extract memory brown-gpt all sites: peak ${(memory.peakRssBytes / 2 ** 20).toFixed(0)} MiB vs activations ${(memory.activationBytes / 2 ** 20).toFixed(0)} MiB + model ${(memory.modelBytes / 2 ** 20).toFixed(0)} MiB: ` +
        `ratio ${memory.ratio.toFixed(2)} (goal <= 1.5) ${memory.ratio <= 1.5 ? 'OK' : 'MISSED'}`,
    );
    results.extract = { throughput, memory };
  }

  if (want('probe')) {
    results.probe = await runProbeBench({ brown: true, synthetic: true, log: (l) => console.log(`probe: ${l}`) });
  }

  if (want('correlate')) {
    // The three LSTM seeds over brown-test-2000, extracted once with the built CLI.
    const dir = mkdtempSync(join(tmpdir(), 'grain-bench-corr-'));
    try {
      const files = [1, 2, 3].map((s) => {
        const out = join(dir, `s${s}.grain`);
        execFileSync(process.execPath, ['dist/cli.js', 'extract', '--model', `models/brown-lstm-s${s}`, '--input', 'models/brown-test-2000.txt', '--out', out]);
        return out;
      });
      const inputs = await Promise.all(files.map(async (f, i) => ({ name: `brown-lstm-s${i + 1}`, source: await openActivations(f) })));
      const r = await runCorrelateBench(inputs, { threads });
      console.log(
        `correlate 3 x ${r.neurons} neurons x ${r.rows} words: ${r.accumulateSeconds.toFixed(2)} s, ${r.gflops.toFixed(1)} GFLOP/s ` +
          `(Gemm peak here ${r.peakGflops.toFixed(1)}), ${(r.tokenNeuronPairsPerSecond / 1e9).toFixed(2)} G token-neuron-pairs/s`,
      );
      results.correlate = r;
      for (const i of inputs) i.source.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  if (want('contexts')) {
    const r = await runContextsBench('models/brown-lstm-s1', threads);
    console.log(
      `contexts ${r.model}: top and bottom ${r.top} contexts of all ${r.neurons} neurons over ${r.words} words in one pass ${r.contextsSeconds.toFixed(2)} s ` +
        `vs extraction alone ${r.extractSeconds.toFixed(2)} s (overhead ${(100 * r.overhead).toFixed(1)}%; CPU ${r.contextsCpuSeconds.toFixed(2)} vs ${r.extractCpuSeconds.toFixed(2)} s, ${(100 * r.cpuOverhead).toFixed(1)}%); the heaps alone ${r.accumulateSeconds.toFixed(3)} s ` +
        `(${(r.valuesPerSecond / 1e6).toFixed(0)} M activations/s); grain contexts end to end ${r.jobSeconds.toFixed(2)} s`,
    );
    results.contexts = r;
  }

  if (want('rank')) {
    results.rank = await runRankBench({ log: (l) => console.log(`rank: ${l}`) });
  }

  if (want('host')) {
    // Last: it starts code-server and Chromium, which would weigh on the timings above.
    const r = await runHostBench((l) => console.log(`host: ${l}`));
    console.log(formatHostBench(r));
    results.host = r;
  }

  writeFileSync('bench-results.json', JSON.stringify(results, null, 2) + '\n');
  console.log('wrote bench-results.json');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
