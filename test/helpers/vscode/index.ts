// The `vscode` module as unit tests see it (register.ts makes `import ... from 'vscode'` load
// this file): an in-memory implementation of the parts of the API Grain uses. Tests drive it
// through control.ts (`fake`) and read trees through tree.ts.
export * from './types';
export { commands, env, languages, version, window, workspace } from './api';
