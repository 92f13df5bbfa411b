/**
 * Drives a real VS Code for end-to-end tests: code-server 4.100.3 (VS Code 1.100, installed by
 * scripts/install-e2e.sh) with Grain installed from a freshly packaged VSIX, and Debian's
 * headless Chromium through playwright-core. Everything lives in one temp folder (HOME, XDG
 * dirs, user data, extensions, browser profile) that `close()` removes; every wait has a timeout
 * and the server and browser are killed even when a test fails or the process dies.
 *
 * Environment:
 *   GRAIN_E2E_INSTALL=vsix (default) | link   link = symlink the repo as the extension: faster,
 *                                            but does not test what the VSIX ships.
 *   GRAIN_E2E_VSIX=<file>      install this already packaged VSIX instead of packaging one
 *                              (otherwise one is packaged and cached in .e2e/vsix).
 *   GRAIN_E2E_KEEP=1           keep the temp folder (logs, settings) for a post-mortem.
 *
 * This file starts and stops the session; tests drive the UI through the page objects in
 * pages/ (new Workbench(session)).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { after, afterEach, before } from 'node:test';

export const REPO = join(import.meta.dirname, '..', '..');
export const RESULTS_DIR = join(REPO, 'test-results', 'e2e');
const CODE_SERVER = join(REPO, '.e2e', 'code-server', 'node_modules', '.bin', 'code-server');
const CHROMIUM = '/usr/bin/chromium';

/** Upper bounds, not expected durations: a wait that reaches one fails the test. */
export const TIMEOUTS = { serverStart: 30_000, ui: 20_000, workbench: 45_000, install: 120_000, close: 10_000 };

const SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false,
};

/** Workspace trust as VS Code sees it: off (every folder trusted, no Restricted Mode), or on with the opened folder untrusted. */
export type TrustMode = 'disabled' | 'untrusted';

/**
 * Settings for trust on with the workspace untrusted: no start-up dialog asking for trust (the
 * folder opens in Restricted Mode, as after the user chose "Don't Trust"), the banner shown.
 */
const UNTRUSTED_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'always',
  'security.workspace.trust.untrustedFiles': 'open',
  'security.workspace.trust.emptyWindow': false,
};

export interface SessionOptions {
  install?: 'vsix' | 'link';
  /** 'disabled' (default): trust is off, as in every test but the Restricted Mode one. */
  trust?: TrustMode;
  /** Browser viewport; screenshots have this size. */
  viewport?: { width: number; height: number };
}

export class VsCodeSession {
  private closed = false;
  private readonly exitGuard = () => this.killNow();
  private readonly errors: string[] = [];

  private constructor(
    readonly root: string,
    readonly baseUrl: string,
    private readonly server: ChildProcess,
    private readonly serverLog: string[],
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    process.once('exit', this.exitGuard);
    // Console errors of the workbench and its webview frames, e.g. CSP violations.
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.errors.push(msg.text());
    });
    page.on('pageerror', (err) => this.errors.push(String(err)));
  }

  /** Browser console errors so far (workbench and webviews), oldest first. */
  consoleErrors(): string[] {
    return [...this.errors];
  }

  /** Starts code-server with Grain installed and a browser on it; throws with the server log on failure. */
  static async start(options: SessionOptions = {}): Promise<VsCodeSession> {
    if (!existsSync(CODE_SERVER)) throw new Error(`code-server is not installed: run scripts/install-e2e.sh (looked for ${CODE_SERVER})`);
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/install-e2e.sh`);
    assertBuilt();
    const root = mkdtempSync(join(tmpdir(), 'grain-e2e-'));
    const dirs = {
      home: join(root, 'home'),
      config: join(root, 'xdg-config'),
      data: join(root, 'xdg-data'),
      cache: join(root, 'xdg-cache'),
      userData: join(root, 'user-data'),
      extensions: join(root, 'extensions'),
      browser: join(root, 'browser-profile'),
    };
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
    mkdirSync(join(dirs.userData, 'User'), { recursive: true });
    const trust = options.trust ?? 'disabled';
    const settings = trust === 'untrusted' ? { ...SETTINGS, ...UNTRUSTED_SETTINGS } : SETTINGS;
    writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: dirs.home,
      XDG_CONFIG_HOME: dirs.config,
      XDG_DATA_HOME: dirs.data,
      XDG_CACHE_HOME: dirs.cache,
      ONNXRUNTIME_NODE_INSTALL: 'skip',
    };
    // The tests' own Node options (tsx loader) must not leak into the server's Node.
    delete env.NODE_OPTIONS;

    try {
      installExtension(options.install ?? (process.env.GRAIN_E2E_INSTALL === 'link' ? 'link' : 'vsix'), dirs.extensions, root, env);
    } catch (err) {
      rmSync(root, { recursive: true, force: true });
      throw err;
    }

    const port = await freePort();
    const serverLog: string[] = [];
    const server = spawn(
      CODE_SERVER,
      [
        '--auth', 'none',
        '--bind-addr', `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        ...(trust === 'disabled' ? ['--disable-workspace-trust'] : []),
        '--disable-getting-started-override',
        '--extensions-dir', dirs.extensions,
        '--user-data-dir', dirs.userData,
      ],
      // Own process group: killing -pid also ends the extension host and file watchers.
      { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keepLog = (chunk: Buffer) => serverLog.push(chunk.toString());
    server.stdout?.on('data', keepLog);
    server.stderr?.on('data', keepLog);
    const baseUrl = `http://127.0.0.1:${port}`;
    let context: BrowserContext | undefined;
    try {
      await waitForHealth(baseUrl, server, serverLog);
      context = await chromium.launchPersistentContext(dirs.browser, {
        executablePath: CHROMIUM,
        headless: true,
        viewport: options.viewport ?? { width: 1400, height: 900 },
        timeout: TIMEOUTS.ui,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const page = context.pages()[0] ?? (await context.newPage());
      page.setDefaultTimeout(TIMEOUTS.ui);
      return new VsCodeSession(root, baseUrl, server, serverLog, context, page);
    } catch (err) {
      await context?.close().catch(() => undefined);
      killGroup(server, 'SIGKILL');
      if (!process.env.GRAIN_E2E_KEEP) rmSync(root, { recursive: true, force: true });
      throw err;
    }
  }

  /** Loads the workbench on `folder` and waits until the explorer lists one of its files. */
  async openWorkbench(folder: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/?folder=${encodeURIComponent(folder)}`, { timeout: TIMEOUTS.workbench });
    await this.page.locator('.monaco-workbench').waitFor({ timeout: TIMEOUTS.workbench });
    const first = readdirSync(folder).filter((f) => !f.startsWith('.')).sort()[0];
    if (first) {
      await this.page.locator('.explorer-folders-view .monaco-list-row', { hasText: first }).first().waitFor({ timeout: TIMEOUTS.workbench });
    }
    await this.page.locator('.part.statusbar').waitFor({ timeout: TIMEOUTS.workbench });
  }

  /** Saves a PNG of the whole window as test-results/e2e/<name>.png; returns its path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file, timeout: TIMEOUTS.ui });
    return file;
  }

  /**
   * The text of the server's log files (user-data/logs: extension host, output channels) that
   * match `which`, e.g. Grain's log channel by its first line. Channels write their file a
   * moment after a line is logged.
   */
  logText(which: RegExp): string {
    const dir = join(this.root, 'user-data', 'logs');
    if (!existsSync(dir)) return '';
    return readdirSync(dir, { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.log'))
      .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'))
      .filter((text) => which.test(text))
      .join('\n');
  }

  /** What code-server printed so far, for failure messages. */
  serverOutput(): string {
    return this.serverLog.join('');
  }

  /** Ends browser and server (always, within TIMEOUTS.close) and removes the temp folder. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    process.removeListener('exit', this.exitGuard);
    await withTimeout(this.context.close(), TIMEOUTS.close).catch(() => undefined);
    killGroup(this.server, 'SIGTERM');
    const exited = await waitForExit(this.server, TIMEOUTS.close);
    if (!exited) killGroup(this.server, 'SIGKILL');
    if (!process.env.GRAIN_E2E_KEEP) rmSync(this.root, { recursive: true, force: true });
  }

  /**
   * Last resort when the test process exits without close(): synchronous kills only. The
   * browser needs none: playwright kills the browsers it launched when the process exits.
   */
  private killNow(): void {
    killGroup(this.server, 'SIGKILL');
  }
}

/** Fails fast when dist/ is missing or older than the sources a test would exercise. */
function assertBuilt(): void {
  const bundles = [join(REPO, 'dist', 'extension.js'), ...appBundles()];
  for (const b of bundles) {
    if (!existsSync(b)) throw new Error(`${relative(REPO, b)} is missing: run npm run build first`);
  }
  const oldest = Math.min(...bundles.map((b) => statSync(b).mtimeMs));
  for (const dir of ['src/extension', 'src/shared', 'webview']) {
    const newer = newestFile(join(REPO, dir));
    if (newer && newer.mtimeMs > oldest) {
      throw new Error(`${relative(REPO, newer.path)} changed after the last build: run npm run build first`);
    }
  }
}

function appBundles(): string[] {
  const dir = join(REPO, 'webview');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'main.ts')))
    .map((d) => join(REPO, 'dist', 'webview', `${d.name}.js`));
}

function newestFile(dir: string): { path: string; mtimeMs: number } | undefined {
  if (!existsSync(dir)) return undefined;
  let best: { path: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const mtimeMs = statSync(path).mtimeMs;
    if (!best || mtimeMs > best.mtimeMs) best = { path, mtimeMs };
  }
  return best;
}

function installExtension(mode: 'vsix' | 'link', extensionsDir: string, root: string, env: NodeJS.ProcessEnv): void {
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  if (mode === 'link') {
    // code-server picks up a folder named publisher.name-version only while extensions.json
    // does not exist yet, which is the case in a fresh extensions dir.
    symlinkSync(REPO, join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), 'dir');
    return;
  }
  const vsix = process.env.GRAIN_E2E_VSIX ?? packagedVsix(`${manifest.name}-${manifest.version}`);
  run(CODE_SERVER, ['--extensions-dir', extensionsDir, '--install-extension', vsix, '--force'], { cwd: root, env });
}

/**
 * Packages the VSIX once per content: it is cached in .e2e/vsix under a key made of what it
 * ships (manifest, ignore file, bundles, and the size and mtime of the models and onnxruntime),
 * because zipping ~90 MB of models and onnxruntime takes ~10 s.
 */
function packagedVsix(stem: string): string {
  const hash = createHash('sha256');
  for (const f of ['package.json', '.vscodeignore', 'LICENSE', 'README.md']) {
    const path = join(REPO, f);
    hash.update(`${f}\0${existsSync(path) ? readFileSync(path, 'utf8') : ''}\0`);
  }
  // Bundles are rewritten by every build, so their contents count; the big, rarely changing
  // files (models, onnxruntime) count by size and mtime.
  const byContent = new Set(['dist', 'media']);
  for (const dir of ['dist', 'media', 'models', 'node_modules/onnxruntime-node', 'node_modules/onnxruntime-common']) {
    const root = join(REPO, dir);
    if (!existsSync(root)) continue;
    const files = readdirSync(root, { withFileTypes: true, recursive: true }).filter((e) => e.isFile());
    for (const path of files.map((e) => join(e.parentPath, e.name)).sort()) {
      const st = statSync(path);
      hash.update(`${relative(REPO, path)}\0${st.size}\0`);
      hash.update(byContent.has(dir) ? readFileSync(path) : `${st.mtimeMs}\0`);
    }
  }
  const cacheDir = join(REPO, '.e2e', 'vsix');
  const vsix = join(cacheDir, `${stem}-${hash.digest('hex').slice(0, 16)}.vsix`);
  if (existsSync(vsix)) return vsix;
  mkdirSync(cacheDir, { recursive: true });
  for (const old of readdirSync(cacheDir)) rmSync(join(cacheDir, old), { force: true });
  const partial = `${vsix}.partial.vsix`;
  run('npx', ['vsce', 'package', '--target', 'linux-x64', '--out', partial], { cwd: REPO, env: process.env });
  renameSync(partial, vsix);
  return vsix;
}

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): void {
  const r = spawnSync(cmd, args, { ...opts, encoding: 'utf8', timeout: TIMEOUTS.install, killSignal: 'SIGKILL' });
  if (r.status !== 0) {
    const why = r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`;
    throw new Error(`${cmd} ${args.join(' ')} failed (${why}):\n${r.stdout}\n${r.stderr}`);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHealth(baseUrl: string, server: ChildProcess, log: string[]): Promise<void> {
  const deadline = Date.now() + TIMEOUTS.serverStart;
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new Error(`code-server exited (${server.exitCode ?? server.signalCode}) before answering:\n${log.join('')}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${baseUrl}/healthz within ${TIMEOUTS.serverStart} ms:\n${log.join('')}`);
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    killPid(proc.pid, signal);
  }
}

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function waitForExit(proc: ChildProcess, ms: number): Promise<boolean> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return withTimeout(new Promise<boolean>((r) => proc.once('exit', () => r(true))), ms).catch(() => false);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One VS Code session (started with `options`) for a whole test file, on a fresh workspace folder that `prepare` fills:
 * started before the file's tests, closed with its workspace removed after them (then
 * `cleanup`, if given), and a screenshot after every test, passed or failed, for the post-mortem.
 */
export function useWorkbench(
  screenshotPrefix: string,
  prepare: (workspace: string) => void,
  ready: (session: VsCodeSession, workspace: string) => void,
  cleanup?: () => Promise<void>,
  options: SessionOptions = {},
): void {
  let session: VsCodeSession | undefined;
  let workspace: string | undefined;
  before(async () => {
    workspace = mkdtempSync(join(tmpdir(), 'grain-e2e-'));
    prepare(workspace);
    session = await VsCodeSession.start(options);
    await session.openWorkbench(workspace);
    ready(session, workspace);
  });
  after(async () => {
    await session?.close();
    await cleanup?.();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });
  afterEach(async (t) => {
    await session?.screenshot(`${screenshotPrefix}after-${t.name}`).catch(() => undefined);
  });
}
