// Every command Grain contributes; package.json lists exactly these (test/unit/extension-commands.test.ts)
// and the registry (registry.ts) takes no other id. No \`vscode\` import, so tests read it on plain Node.
export const COMMAND_IDS = [
  'grain.runDemo',
  'grain.chooseModel',
  'grain.useModel',
  'grain.addModelFolder',
  'grain.openModelCard',
  'grain.showDemoModels',
  'grain.refreshModels',
  'grain.extractCurrentFile',
  'grain.extractCorpus',
  'grain.runProbe',
  'grain.probeConcept',
  'grain.runExperiments',
  'grain.correlateModels',
  'grain.runAblation',
  'grain.showNeuron',
  'grain.pinNeuron',
  'grain.clearNeuron',
  'grain.showContexts',
  'grain.chooseContextsCorpus',
  'grain.openReport',
  'grain.revealResult',
  'grain.deleteResult',
  'grain.refreshAnalyses',
  'grain.decorateVisibleRange',
  'grain.showLog',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
