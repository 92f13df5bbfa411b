// Makes `import * as vscode from 'vscode'` resolve to the in-memory stand-in (index.ts) under
// `node --import tsx --import ./test/helpers/vscode/register.ts --test ...` (the unit test
// scripts in package.json). Test files of extension code also import this file first, so a single
// file runs with plain `node --import tsx --test test/unit/<file>.test.ts` too.
//
// Two halves, one answer: module.register's resolve hook covers code Node loads as ES modules;
// this package is CommonJS, so tsx compiles `import ... from 'vscode'` to require('vscode'),
// which Node 20 resolves without those hooks (module.registerHooks, which would, arrived in Node
// 22.15): the CommonJS resolver is taught the same mapping. Both point at the same file, so there
// is one stand-in instance per test process.
import Module, { register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const MARK = Symbol.for('grain.vscode-stand-in');
const STAND_IN = join(__dirname, 'index.ts');

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
const cjs = Module as unknown as { _resolveFilename: ResolveFilename } & Record<symbol, boolean>;

if (!cjs[MARK]) {
  cjs[MARK] = true;
  register('./hooks.mjs', pathToFileURL(join(__dirname, 'register.ts')));
  const resolveFilename = cjs._resolveFilename;
  cjs._resolveFilename = function (request, parent, isMain, options) {
    return request === 'vscode' ? STAND_IN : resolveFilename.call(this, request, parent, isMain, options);
  };
}
