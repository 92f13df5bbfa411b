export { readOnnxModel, decodeOnnxModel, encodeOnnxModel, encodeModelProto, type OnnxModel } from './proto';
export { findSites, detectSites, type SiteDetection, type SiteMethod, type ModelSite, type ExplicitSite, type ExplicitSites, type FindSitesOptions, type SiteSelection } from './sites';
export { readGrainConfig, GRAIN_CONFIG } from './config';
export { addOutputs, addFloat32Outputs, addMaskInputs, type MaskSpec } from './surgery';
export { readAnalysisModel, type AnalysisModel } from './prepare';
export { inlineNoCacheBranch } from './branches';
export { detectLayout, copyUnits, type TensorLayout, type LayoutKind } from './layout';
export { modelInputs, type ModelInput, type InputRole } from './inputs';
export { needsModelFile, externalWeights, type ExternalWeights } from './external';
