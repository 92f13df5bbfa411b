// module.register resolve hook: `vscode` is the stand-in (index.ts), for code Node loads as ES
// modules. Runs on the loader thread, so it is plain JavaScript.
const STAND_IN = new URL('./index.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  if (specifier === 'vscode') return { url: STAND_IN, shortCircuit: true };
  return nextResolve(specifier, context);
}
