/**
 * Host responsiveness: the extension host's event-loop delay while Run Demo trains its probe in
 * the worker, in a real VS Code (code-server 4.100.3 and headless Chromium, as the E2E tests
 * run it; scripts/install-e2e.sh installs them). The extension measures the delay itself
 * (src/extension/commands/host-delay.ts) and logs it; this reads the Grain log.
 *
 * A figure, not a verdict: on a shared machine the delay is mostly other processes holding the
 * CPUs, so next to p50/p99/max it reports how much of the worst stall the host thread ran
 * itself (Linux scheduler figures) and the load average. The goal (no stall of 50 ms, or none
 * of them the host's own work) is printed as OK/MISSED, as the other benchmarks do.
 *
 * GRAIN_E2E_INSTALL=link (faster; see test/e2e/harness.ts) is honoured.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { HostDelay } from '../src/extension/commands/host-delay';
import { VsCodeSession } from '../test/e2e/harness';
import { Workbench } from '../test/e2e/pages/workbench';
import { parseHostDelay } from '../test/helpers/host-delay-log';

const ROOT = resolve(__dirname, '..');
const CODE_SERVER = join(ROOT, '.e2e', 'code-server', 'node_modules', '.bin', 'code-server');
const DEMO_TIMEOUT = 300_000;
const JOB = 'Run Demo: probe (brown-lstm-s1, brown-universal)';
export const GOAL_MS = 50;

export type HostBench = ({ ok: true; goalMet: boolean; seconds: number } & HostDelay) | { ok: false; skipped: string };

export async function runHostBench(log: (line: string) => void): Promise<HostBench> {
  if (!existsSync(CODE_SERVER) || !existsSync('/usr/bin/chromium')) return { ok: false, skipped: 'code-server or Chromium is not installed (sh scripts/install-e2e.sh)' };
  const workspace = mkdtempSync(join(tmpdir(), 'grain-bench-host-'));
  writeFileSync(join(workspace, 'notes.txt'), 'The jury said it did find that the election was conducted .\n');
  const session = await VsCodeSession.start();
  try {
    const ui = new Workbench(session);
    await session.openWorkbench(workspace);
    const started = Date.now();
    await ui.palette.run('Grain: Run Demo');
    await ui.editor.tab('demo.txt').waitFor({ timeout: DEMO_TIMEOUT });
    const seconds = (Date.now() - started) / 1000;
    // The log channel writes its file a moment after the line is logged.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const delay = parseHostDelay(session.logText(/host event-loop delay/), JOB);
      if (delay) {
        // Met when the loop never stalled 50 ms, or when the host thread itself never ran 50 ms
        // between two ticks: the stalls were then other processes' (waiting for a CPU, or time
        // the scheduler counts as neither, as in a throttled or virtualised CPU).
        const goalMet = delay.maxMs < GOAL_MS || (delay.maxRunMs !== undefined && delay.maxRunMs < GOAL_MS);
        return { ok: true, goalMet, seconds, ...delay };
      }
      if (Date.now() > deadline) throw new Error(`no "${JOB}: host event-loop delay" line in the server's logs (${join(session.root, 'user-data', 'logs')})`);
      log('waiting for the Grain log');
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await session.close();
    rmSync(workspace, { recursive: true, force: true });
  }
}

export function formatHostBench(r: HostBench): string {
  if (!r.ok) return `host responsiveness: skipped (${r.skipped})`;
  const f = (x: number) => x.toFixed(1);
  const stall = r.worstStall ? `; worst stall ${f(r.worstStall.ms)} ms, of which the host ran ${f(r.worstStall.ranMs)} ms and waited for a CPU ${f(r.worstStall.waitedMs)} ms` : '';
  const ran = r.maxRunMs !== undefined ? `; the host thread ran at most ${f(r.maxRunMs)} ms between ticks` : '';
  return (
    `host responsiveness (Run Demo's probe in code-server, ${f(r.seconds)} s): event-loop delay p50 ${f(r.p50Ms)} / p99 ${f(r.p99Ms)} / max ${f(r.maxMs)} ms over ${r.samples} samples${stall}${ran}; ` +
    `load ${f(r.loadAverage)} on ${r.cpus} CPUs (goal: max < ${GOAL_MS} ms, or the host itself never ran ${GOAL_MS} ms between ticks) ${r.goalMet ? 'OK' : 'MISSED'}`
  );
}
