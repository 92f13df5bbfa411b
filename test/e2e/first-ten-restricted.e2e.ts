// Restricted Mode in a real VS Code, as a new user meets it: Show Neuron offers Manage Workspace
// Trust like the other commands, a hover says why there are no neurons, a model of the
// workspace's grain.modelPaths is listed as needing trust (not dropped), and the Heat Map says its
// one line once. Screenshots: test-results/e2e/first-ten-restricted-*.png.
//
// harness.ts starts code-server with workspace trust switched off; this file starts it with trust
// on, through the harness's own session class, until the harness takes a trust option.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO, TIMEOUTS, VsCodeSession } from './harness';
import { Workbench } from './pages/workbench';

const CODE_SERVER = join(REPO, '.e2e', 'code-server', 'node_modules', '.bin', 'code-server');
const BROWN = readFileSync(join(REPO, 'models', 'brown-test-2000.txt'), 'utf8').split('\n');

let session: VsCodeSession;
let workspace: string;

/** code-server with workspace trust on (the harness turns it off), Grain linked in, on a fresh profile. */
async function startWithTrust(): Promise<VsCodeSession> {
  const root = mkdtempSync(join(tmpdir(), 'grain-e2e-trust-'));
  const dirs = Object.fromEntries(['home', 'xdg-config', 'xdg-data', 'xdg-cache', 'user-data', 'extensions', 'browser'].map((d) => [d, join(root, d)]));
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs['user-data']!, 'User'));
  writeFileSync(
    join(dirs['user-data']!, 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': true,
      'security.workspace.trust.startupPrompt': 'never',
      'security.workspace.trust.banner': 'always',
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'chat.commandCenter.enabled': false,
    }),
  );
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  symlinkSync(REPO, join(dirs.extensions!, `${manifest.publisher}.${manifest.name}-${manifest.version}`), 'dir');
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dirs.home, XDG_CONFIG_HOME: dirs['xdg-config'], XDG_DATA_HOME: dirs['xdg-data'], XDG_CACHE_HOME: dirs['xdg-cache'], ONNXRUNTIME_NODE_INSTALL: 'skip' };
  delete env.NODE_OPTIONS;
  const port = await new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
  const log: string[] = [];
  const server: ChildProcess = spawn(
    CODE_SERVER,
    ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override', '--extensions-dir', dirs.extensions!, '--user-data-dir', dirs['user-data']!],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout?.on('data', (c: Buffer) => log.push(c.toString()));
  server.stderr?.on('data', (c: Buffer) => log.push(c.toString()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + TIMEOUTS.serverStart;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`code-server did not start:\n${log.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const context: BrowserContext = await chromium.launchPersistentContext(dirs.browser!, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1400, height: 900 },
    timeout: TIMEOUTS.ui,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page: Page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(TIMEOUTS.ui);
  // The harness's session class: its helpers, screenshots and close() (which kills the server group).
  const Session = VsCodeSession as unknown as new (root: string, baseUrl: string, server: ChildProcess, serverLog: string[], context: BrowserContext, page: Page) => VsCodeSession;
  return new Session(root, baseUrl, server, log, context, page);
}

before(async () => {
  workspace = mkdtempSync(join(tmpdir(), 'grain-e2e-restricted-'));
  writeFileSync(join(workspace, 'story.txt'), `${BROWN[0]}\n\n${BROWN[1]}\n`);
  mkdirSync(join(workspace, 'my-models'));
  cpSync(join(REPO, 'models', 'brown-lstm-s2'), join(workspace, 'my-models', 'lstm'), { recursive: true });
  mkdirSync(join(workspace, '.vscode'));
  writeFileSync(join(workspace, '.vscode', 'settings.json'), '{\n  // the workspace\'s own model\n  "grain.modelPaths": ["my-models/lstm"],\n}\n');
  session = await startWithTrust();
  await session.openWorkbench(workspace);
});

after(async () => {
  await session?.close();
  rmSync(workspace, { recursive: true, force: true });
});

afterEach(async (t) => {
  await session?.screenshot(`first-ten-restricted-after-${t.name}`).catch(() => undefined);
});

const widget = () => session.page.locator('.quick-input-widget');

function view(name: string) {
  const page = session.page;
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${name}\\s*$`, 'i') }) });
}

async function startCommand(title: string): Promise<void> {
  const page = session.page;
  const input = widget().locator('.quick-input-box input');
  const row = widget()
    .locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }) })
    .first();
  for (let tries = 0; ; tries++) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ state: 'visible', timeout: 3_000 });
      break;
    } catch (err) {
      await page.keyboard.press('Escape');
      if (tries > 5) throw err;
    }
  }
  await row.click();
}

const flat = (s: string) => s.replace(/\s+/g, ' ').trim();

test('the workspace is in Restricted Mode, and its own model is listed as needing trust, not dropped', async () => {
  const page = session.page;
  await page.locator('.part.statusbar', { hasText: /Restricted Mode/ }).first().waitFor();
  await page.locator('.part.activitybar .action-item a.action-label[aria-label^="Grain"]').click();
  const row = view('Models').locator('.monaco-list-row', { hasText: /^\s*lstm/ }).first();
  await row.waitFor();
  assert.match(flat(await row.innerText()), /^lstm ?needs trust$/);
  assert.equal(await row.locator('.codicon-shield').count(), 1);
  await session.screenshot('first-ten-restricted-01-needs-trust');
});

test('Show Neuron offers Manage Workspace Trust, as the other model-running commands do', async () => {
  await new Workbench(session).openFile('story.txt');
  await new Workbench(session).palette.run('Grain: Show Neuron...');
  const toast = session.page.locator('.notification-toast', { hasText: 'Show Neuron runs a model' }).first();
  await toast.waitFor();
  assert.ok(await toast.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).isVisible());
  await session.screenshot('first-ten-restricted-02-show-neuron');
  await toast.locator('.codicon-notifications-clear, .codicon-close').first().click().catch(() => undefined);
});

test('a hover says why there are no neurons, with the way to trust the workspace', async () => {
  const page = session.page;
  // Choosing a model runs nothing: it works in Restricted Mode.
  await startCommand('Grain: Choose Model');
  await widget().locator('.quick-input-box input').fill('brown-lstm-s1');
  await widget().locator('.quick-input-list .monaco-list-row', { hasText: 'brown-lstm-s1' }).first().click();
  await widget().waitFor({ state: 'hidden' });
  await page.locator('.part.statusbar .statusbar-item', { hasText: 'brown-lstm-s1' }).first().waitFor();
  await page.locator('.tab', { hasText: 'story.txt' }).click();
  const word = page.locator('.editor-instance .monaco-editor .view-lines .view-line span span').first();
  await word.hover();
  const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'Restricted Mode' }).first();
  await hover.waitFor();
  assert.match(flat(await hover.innerText()), /Grain · no neurons here: hovers run the model on this text, which Restricted Mode does not allow\. Manage Workspace Trust/);
  await session.screenshot('first-ten-restricted-03-hover');
  await page.keyboard.press('Escape');
});

test('the Heat Map says its message once', async () => {
  await new Workbench(session).palette.run('Grain: Focus on Heat Map View');
  const frame = session.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  await frame.locator('p.subtitle').first().waitFor();
  const text = flat(await frame.locator('body').innerText());
  assert.equal(text.split('needs a trusted workspace').length - 1, 1, text);
  await session.screenshot('first-ten-restricted-04-heat-map');
});
