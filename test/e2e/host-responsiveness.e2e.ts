// The extension host stays responsive while a probe trains: the job runs in the worker thread,
// so the host's event loop is never blocked for long. Run Demo measures the host's event-loop
// delay (perf_hooks.monitorEventLoopDelay) while its probe job runs and logs it to the Grain
// output channel; this test reads that line in the Output panel.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { VsCodeSession, useWorkbench } from './harness';

const DEMO_TIMEOUT = 150_000;
/** Longest acceptable stall of the extension host while the worker trains. */
const MAX_DELAY_MS = 50;

let session: VsCodeSession;

useWorkbench(
  'host-',
  (ws) => {
    writeFileSync(join(ws, 'notes.txt'), 'The jury said it did find that the election was conducted .\n');
    if (process.env.GRAIN_E2E_THREADS) {
      mkdirSync(join(ws, '.vscode'));
      writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'grain.threads': Number(process.env.GRAIN_E2E_THREADS) }));
    }
  },
  (s) => {
    session = s;
  },
);

test('the extension host event loop stays under 50 ms of delay while Run Demo trains its probe', async () => {
  const page = session.page;
  await session.runCommand('Grain: Run Demo');
  await page.locator('.tab', { hasText: 'demo.txt' }).waitFor({ timeout: DEMO_TIMEOUT });
  await session.runCommand('Grain: Show Log');
  const lines = page.locator('.part.panel .monaco-editor .view-lines');
  await lines.locator('.view-line', { hasText: 'host event-loop delay' }).first().waitFor();
  await session.screenshot('host-01-delay-in-log');
  // The log line may wrap over several view lines: match with the whitespace taken out.
  const text = (await lines.first().innerText()).replace(/\s+/g, '');
  const m = /RunDemo:probe\(brown-lstm-s1,brown-universal\):hostevent-loopdelayp99\/maxduringthejob:([\d.]+)\/([\d.]+)ms\((\d+)samples\)(?:;hostthreadranatmost([\d.]+)msbetweenticks)?(?:;worststall([\d.]+)ms:ran([\d.]+)ms,waitedforaCPU([\d.]+)ms)?;loadaverage([\d.]+)on(\d+)CPUs/.exec(text);
  assert.ok(m, `no delay line in the log: ${text.slice(0, 2000)}`);
  const [p99, max, samples, maxRun, stall, stallRan, stallWaited, load, cpus] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x)));
  console.log(
    `# host event-loop delay during the probe: p99 ${p99} ms, max ${max} ms over ${samples} samples; host thread ran at most ${maxRun} ms between ticks; ` +
      `worst stall ${stall} ms (ran ${stallRan}, waited for a CPU ${stallWaited}); load average ${load} on ${cpus} CPUs`,
  );
  // At a 10 ms resolution a probe of several seconds gives hundreds of samples: the monitor ran.
  assert.ok(samples! >= 100, `only ${samples} samples: the job was too short to measure`);
  // The host's own work never held its thread for 50 ms (Linux: the thread's CPU time per tick).
  if (maxRun !== undefined) assert.ok(maxRun < MAX_DELAY_MS, `the extension host thread itself ran ${maxRun} ms without yielding during the job`);
  if (max! < MAX_DELAY_MS) return;
  // A longer delay is accepted only when the scheduler says the host spent the worst stall
  // mostly waiting for a CPU, not running its own code: the machine was oversubscribed (on 2
  // cores: the worker, onnxruntime, code-server and Chromium), which the NOTE line reports.
  assert.ok(
    stall !== undefined && stallRan! < MAX_DELAY_MS && stallWaited! > stallRan!,
    `the extension host was delayed ${max} ms during the job (p99 ${p99} ms); worst stall ${stall} ms of which it ran ${stallRan} ms; load ${load} on ${cpus} CPUs`,
  );
  console.log(`# NOTE: the ${max} ms delay exceeds ${MAX_DELAY_MS} ms only because the machine is oversubscribed (load ${load} on ${cpus} CPUs): the host thread waited ${stallWaited} ms for a CPU and ran ${stallRan} ms`);
});
