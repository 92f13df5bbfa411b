// Grain's lint: the layers of DEVELOPERS.md ("Layers and what each may import") as rules, no import
// cycles, kebab-case file names, and typescript-eslint's recommended rules. No style rules.
// `npm run lint` runs this and knip (knip.json: unused files, exports and dependencies).
import { builtinModules } from 'node:module';
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import checkFile from 'eslint-plugin-check-file';
import globals from 'globals';

const root = import.meta.dirname;

// ---- Layers (import-x/no-restricted-paths resolves every import, type-only ones too) ----------
// Each entry: a layer and the folders under src/ it may import besides itself.
const layers = {
  core: { may: [], why: 'src/core is pure computation and imports only src/core' },
  shared: { may: ['core'], why: 'src/shared (the vocabulary every side speaks) imports only src/shared and src/core' },
  jobs: { may: ['core', 'shared', 'results'], why: 'src/jobs imports only src/core, src/shared and src/results' },
  results: { may: ['core', 'shared'], why: 'src/results imports only src/core and src/shared' },
  worker: { may: ['jobs', 'shared', 'core'], why: 'src/worker imports only src/jobs, src/shared and src/core' },
  cli: { may: ['jobs', 'results', 'shared', 'core'], why: 'src/cli imports only src/jobs, src/results, src/shared and src/core' },
  extension: {
    may: ['shared', 'results', 'core'],
    why: 'src/extension imports only src/shared, src/results and src/core; it runs jobs through the worker client, never src/jobs, src/worker or src/cli',
  },
};
// The core modules src/shared may import values from (the webviews bundle them): no Node, and they
// import only each other.
const browserSafeCore = ['errors.ts', 'neurons.ts', 'typed-arrays.ts'];

const layerZones = [
  ...Object.entries(layers).map(([layer, { may, why }]) => ({
    target: `src/${layer}`,
    from: 'src',
    except: [`./${layer}`, ...may.map((m) => `./${m}`)],
    message: `[layers] ${why} (DEVELOPERS.md, Layers).`,
  })),
  {
    target: 'webview',
    from: 'src',
    except: ['./shared'],
    message: '[layers] webview/ (browser bundles) imports only webview/ and src/shared (DEVELOPERS.md, Layers).',
  },
  {
    target: 'src',
    from: 'webview',
    message: '[layers] src/ never imports webview/ (browser bundles) (DEVELOPERS.md, Layers).',
  },
  {
    target: ['src', 'webview'],
    from: ['test', 'bench', 'scripts'],
    message: '[layers] Shipped code never imports test/, bench/ or scripts/ (DEVELOPERS.md, Layers).',
  },
  {
    target: browserSafeCore.map((f) => `src/core/${f}`),
    from: 'src/core',
    except: browserSafeCore.map((f) => `./${f}`),
    message: `[layers] src/core/{${browserSafeCore.map((f) => f.replace(/\.ts$/, '')).join(',')}} are bundled into the webviews through src/shared: they import only each other (DEVELOPERS.md, Layers).`,
  },
];

// ---- Restricted modules (@typescript-eslint/no-restricted-imports) ------------------------------
// Flat config replaces a rule's options per block, so each block below states its whole list.
const vscode = {
  name: 'vscode',
  message: '[vscode] Only src/extension (and test/) import vscode; the rest of Grain runs without the editor.',
};
const ort = {
  name: 'onnxruntime-node',
  message: '[onnxruntime] Import onnxruntime through src/core/runtime/ort.ts: it switches telemetry off before onnxruntime-node loads.',
};
const builtins = builtinModules.filter((m) => !m.startsWith('_')).join('|');
const nodeBuiltins = (where, allowTypeImports) => ({
  regex: `^(node:.*|(${builtins})(/.*)?)$`,
  allowTypeImports,
  message: `[node-builtins] ${where} is bundled for the browser: no Node built-ins${allowTypeImports ? ' (type-only imports are fine)' : ''}.`,
});
const restricted = (paths, patterns = []) => ['error', { paths, patterns }];
// no-restricted-imports sees static imports only; onnxruntime-node loaded at run time too.
const ortSyntax = [
  { selector: "ImportExpression[source.value='onnxruntime-node']", message: ort.message },
  { selector: "CallExpression[callee.name='require'][arguments.0.value='onnxruntime-node']", message: ort.message },
];

export default defineConfig(
  { ignores: ['dist/', '.e2e/', '.grain/', 'node_modules/', 'test/fixtures/models/'] },
  {
    files: ['**/*.{ts,mjs,js}'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    plugins: { 'import-x': importX, 'check-file': checkFile },
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node } },
    settings: {
      // import-x parses the imported .ts files too (for no-cycle), with typescript-eslint's parser.
      'import-x/extensions': ['.ts', '.mjs', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: `${root}/tsconfig.json` })],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: layerZones }],
      'check-file/filename-naming-convention': [
        'error',
        { '**/*.{ts,mjs,js}': 'KEBAB_CASE' },
        { ignoreMiddleExtensions: true },
      ],
      'check-file/folder-naming-convention': ['error', { '{src,webview,test,bench,scripts}/**/': 'KEBAB_CASE' }],
      '@typescript-eslint/no-restricted-imports': restricted([vscode, ort]),
      'no-restricted-syntax': ['error', ...ortSyntax],
      // Grain strips control characters from text on purpose (terminal output, test transcripts).
      'no-control-regex': 'off',
      // The compiler already reports unused locals and imports (tsconfig noUnusedLocals).
      '@typescript-eslint/no-unused-vars': 'off',
    },
  },
  // No import cycles in shipped code (type-only imports are erased and do not count).
  { files: ['src/**', 'webview/**'], rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] } },
  { files: ['src/extension/**', 'test/**'], rules: { '@typescript-eslint/no-restricted-imports': restricted([ort]) } },
  // One way to show an error: notify.ts's showError leads with the reason and names the file
  // relative to the workspace, with Open File / Show in Log.
  {
    files: ['src/extension/**'],
    ignores: ['src/extension/notify.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...ortSyntax,
        { selector: "MemberExpression[property.name='showErrorMessage']", message: '[notify] Show errors through showError (src/extension/notify.ts): the reason first, the file relative to the workspace.' },
      ],
    },
  },
  { files: ['src/core/runtime/ort.ts'], rules: { '@typescript-eslint/no-restricted-imports': restricted([vscode]), 'no-restricted-syntax': 'off' } },
  {
    files: ['src/shared/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restricted(
        [vscode, ort],
        [
          nodeBuiltins('src/shared', true),
          {
            regex: `(^|/)core/(?!(${browserSafeCore.map((f) => f.replace(/\.ts$/, '')).join('|')})$)`,
            allowTypeImports: true,
            message: `[layers] src/shared is bundled into the webviews: from src/core it imports types, and values only from src/core/{${browserSafeCore.map((f) => f.replace(/\.ts$/, '')).join(',')}} (DEVELOPERS.md, Layers).`,
          },
        ],
      ),
    },
  },
  {
    files: ['webview/**', ...browserSafeCore.map((f) => `src/core/${f}`)],
    languageOptions: { globals: { ...globals.browser } },
    rules: { '@typescript-eslint/no-restricted-imports': restricted([vscode, ort], [nodeBuiltins('This file', false)]) },
  },
  {
    files: ['test/fixtures/crashing-worker.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
