/**
 * `npm run bench [-- extract|memory|store|probe|correlate ...]`: every speed and memory goal of
 * the project, measured in one run on this machine and printed as a table plus JSON
 * (bench-results.json). Timings are noisy on 2 shared cores: goals are ratios within one run,
 * and the machine's load average is recorded at the start and the end.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractionMemoryScaling, extractionPeakMemory, extractionThroughput, writerThroughput, type ThroughputFigures } from './extract';
import { runProbeBench } from './probe';
import { runCorrelateBench } from './correlate';
import { runContextsBench } from './contexts';
import { formatHostBench, runHostBench } from './host';
import { runRankBench } from './rank';
import { openActivations } from '../src/core/store';

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

interface Row {
  goal: string;
  measured: string;
  target: string;
  ok?: boolean;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

function printTable(rows: Row[]): void {
  const w = [0, 1, 2].map((i) => Math.max(...rows.map((r) => [r.goal, r.measured, r.target][i].length)));
  const line = (a: string, b: string, c: string, d: string) => `${a.padEnd(w[0])}  ${b.padEnd(w[1])}  ${c.padEnd(w[2])}  ${d}`;
  console.log('');
  console.log(line('goal', 'measured (this run)', 'target', 'status'));
  console.log(line('-'.repeat(w[0]), '-'.repeat(w[1]), '-'.repeat(w[2]), '------'));
  for (const r of rows) console.log(line(r.goal, r.measured, r.target, r.ok === undefined ? '' : r.ok ? 'OK' : 'MISSED'));
}

async function main(): Promise<void> {
  const threads = cpus().length;
  const results: Record<string, unknown> = {
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadAverageAtStart: loadavg() },
  };
  const table: Row[] = [];

  if (want('extract')) {
    const throughput: ThroughputFigures[] = [];
    const rounds = Number(process.env.GRAIN_BENCH_ROUNDS ?? 3);
    for (const m of ['models/brown-lstm-s1', 'models/brown-gpt']) {
      const r = await extractionThroughput(m, threads, rounds);
      throughput.push(r);
      console.log(
        `extract ${m}: sites-only forward pass ${r.sitesOnlyWordsPerSecond.toFixed(0)} words/s, grain ${r.grainWordsPerSecond.toFixed(0)} words/s: ` +
          `overhead over the sites-only pass ${pct(r.overheadOverSitesOnly)} (goal <= 10%) ${r.overheadOverSitesOnly <= 0.1 ? 'OK' : 'MISSED'}, ` +
          `median of the rounds' pairs ${pct(r.overheadPairedMedian)}; ` +
          `with the session on a thread of its own ${pct(r.overheadOwnThread)}; over model.onnx with its LM head ${pct(r.overhead)}; ` +
          `in CPU seconds ${pct(r.cpu.overhead)} (own thread ${pct(r.cpu.overheadOwnThread)})`,
      );
      table.push({
        goal: `extract ${m.replace('models/', '')}: overhead over sites-only pass`,
        measured: `${pct(r.overheadOverSitesOnly)} (${r.grainSeconds.toFixed(2)} s vs ${r.sitesOnlySeconds.toFixed(2)} s; paired median ${pct(r.overheadPairedMedian)}; own thread: ${pct(r.overheadOwnThread)}; cpu: ${pct(r.cpu.overhead)})`,
        target: '<= 10%',
        ok: r.overheadOverSitesOnly <= 0.1,
      });
    }
    results.extract = { throughput };
  }

  if (want('memory')) {
    const memory = extractionPeakMemory('models/brown-gpt', 'all');
    console.log(
      `extract memory brown-gpt all sites: peak ${mib(memory.peakRssBytes)} vs activations ${mib(memory.activationBytes)} + model ${mib(memory.modelBytes)}: ` +
        `ratio ${memory.ratio.toFixed(2)} (goal <= 1.5) ${memory.ratio <= 1.5 ? 'OK' : 'MISSED'}`,
    );
    table.push({ goal: 'extract memory brown-gpt all sites / (output + model)', measured: memory.ratio.toFixed(2), target: '<= 1.5', ok: memory.ratio <= 1.5 });
    const scaling = extractionMemoryScaling('models/brown-lstm-s1');
    console.log(
      `extract memory brown-lstm-s1: ${scaling.base.sentences} sentences ${mib(scaling.base.peakRssBytes)}; ${scaling.repeated.sentences} sentences ` +
        `${mib(scaling.repeated.peakRssBytes)} (${scaling.repeated.ratio.toFixed(2)}x); one line of ${(scaling.longLine.bytes / 1e6).toFixed(2)} MB ` +
        `(${scaling.longLine.words} words) ${mib(scaling.longLine.peakRssBytes)} (${scaling.longLine.ratio.toFixed(2)}x) (goal: both <= 2x)`,
    );
    table.push({ goal: 'extract memory lstm: 8,000 vs 2,000 sentences', measured: `${scaling.repeated.ratio.toFixed(2)}x (${mib(scaling.repeated.peakRssBytes)} vs ${mib(scaling.base.peakRssBytes)})`, target: '<= 2x', ok: scaling.repeated.ratio <= 2 });
    table.push({ goal: 'extract memory lstm: 1 MB line vs 2,000 sentences', measured: `${scaling.longLine.ratio.toFixed(2)}x (${mib(scaling.longLine.peakRssBytes)})`, target: '<= 2x', ok: scaling.longLine.ratio <= 2 });
    results.memory = { gptAllSites: memory, scaling };
  }

  if (want('store')) {
    const store = await writerThroughput('models/brown-lstm-s1', threads);
    for (const w of store.writers) {
      console.log(`store ${w.format}: ${mib(w.bytes)} in ${w.seconds.toFixed(2)} s = ${w.mbPerSecond.toFixed(0)} MB/s (${w.ratioToGrain.toFixed(2)}x the Grain store's time)`);
    }
    const hdf5 = store.writers.find((w) => w.format === 'hdf5')!;
    const json = store.writers.find((w) => w.format === 'json')!;
    const grain = store.writers.find((w) => w.format === 'grain')!;
    table.push({ goal: 'store: NeuroX HDF5 time / Grain store time', measured: `${hdf5.ratioToGrain.toFixed(2)}x (${hdf5.mbPerSecond.toFixed(0)} vs ${grain.mbPerSecond.toFixed(0)} MB/s)`, target: '<= 1.5x', ok: hdf5.ratioToGrain <= 1.5 });
    table.push({ goal: 'store: NeuroX JSON', measured: `${json.mbPerSecond.toFixed(0)} MB/s (${json.ratioToGrain.toFixed(1)}x the Grain store's time)`, target: 'reported' });
    results.store = store;
  }

  if (want('probe')) {
    const probe = await runProbeBench({ brown: true, synthetic: true, grainNeurox: only.includes('grain-neurox'), log: (l) => console.log(`probe: ${l}`) });
    results.probe = probe;
    const b = probe.brown;
    if (b) {
      const acc = (b.default.testAccuracy + b.defaultAgain.testAccuracy) / 2;
      const seconds = (b.default.seconds + b.defaultAgain.seconds) / 2;
      table.push({
        goal: 'probe brown-lstm-s1: NeuroX (torch) time / Grain default',
        measured: b.speedRatio === undefined ? `reference missing: ${b.neurox.missing}` : `${b.speedRatio.toFixed(1)}x (${b.neurox.seconds!.toFixed(1)} s vs ${seconds.toFixed(2)} s; cpu ${b.cpuRatio!.toFixed(1)}x)`,
        target: '>= 5x',
        ok: b.speedRatio === undefined ? undefined : b.speedRatio >= 5,
      });
      table.push({
        goal: 'probe brown-lstm-s1: test accuracy Grain vs NeuroX',
        measured: `${(100 * acc).toFixed(2)}% vs ${b.neurox.testAccuracy === undefined ? 'n/a' : `${(100 * b.neurox.testAccuracy).toFixed(2)}%`}`,
        target: 'no lower',
        ok: b.accuracyGain === undefined ? undefined : b.accuracyGain >= 0,
      });
      const gemm = (b.default.gemmGflops + b.defaultAgain.gemmGflops) / 2;
      table.push({
        goal: 'probe: products GFLOP/s / SGEMM peak (1024^3)',
        measured: `${pct(b.gemmShareOfPeak)} (${gemm.toFixed(1)} of ${probe.peakGflops1024.toFixed(1)} GFLOP/s; plain SGEMM at the step's shapes ${b.stepShapeGflops.toFixed(1)})`,
        target: '>= 50%',
        ok: b.gemmShareOfPeak >= 0.5,
      });
    }
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
      table.push({ goal: 'correlate: products GFLOP/s', measured: `${r.gflops.toFixed(1)} (peak ${r.peakGflops.toFixed(1)})`, target: 'reported' });
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

  (results.machine as Record<string, unknown>).loadAverageAtEnd = loadavg();
  const load = (results.machine as { loadAverageAtStart: number[] }).loadAverageAtStart;
  table.push({ goal: 'machine load average (1 min) at start / end', measured: `${load[0].toFixed(1)} / ${loadavg()[0].toFixed(1)} on ${threads} cores`, target: '' });
  printTable(table);
  writeFileSync('bench-results.json', JSON.stringify(results, null, 2) + '\n');
  console.log('wrote bench-results.json');
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
