/** Grain's version, injected by the bundler from package.json (tests run unbundled: 'dev'). */
declare const __GRAIN_VERSION__: string | undefined;
export const GRAIN_VERSION: string = typeof __GRAIN_VERSION__ === 'string' ? __GRAIN_VERSION__ : 'dev';
