// One esbuild bundle per target. vscode, onnxruntime-node (native) and h5wasm (its Node build
// locates its .wasm through import.meta.url, which a CJS bundle loses) stay external.
import * as esbuild from 'esbuild';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const version = JSON.parse(readFileSync('package.json', 'utf8')).version;

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'warning', legalComments: 'none', define: { __GRAIN_VERSION__: JSON.stringify(version) } };
const nodeTarget = { ...common, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode', 'onnxruntime-node', 'h5wasm'] };

const targets = [
  { ...nodeTarget, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist' },
  { ...nodeTarget, entryPoints: { worker: 'src/worker/main.ts' }, outdir: 'dist' },
];
if (existsSync('src/extension/extension.ts')) {
  targets.push({ ...nodeTarget, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist' });
}
// Each folder webview/<app>/main.ts is one webview app bundle: dist/webview/<app>.js
if (existsSync('webview')) {
  for (const app of readdirSync('webview', { withFileTypes: true })) {
    const entry = join('webview', app.name, 'main.ts');
    if (app.isDirectory() && existsSync(entry)) {
      targets.push({ ...common, platform: 'browser', target: 'es2022', format: 'iife', entryPoints: { [app.name]: entry }, outdir: 'dist/webview' });
    }
  }
}

if (watch) {
  for (const t of targets) await (await esbuild.context(t)).watch();
} else {
  await Promise.all(targets.map((t) => esbuild.build(t)));
}
