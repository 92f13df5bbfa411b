export { readOnnxModel, decodeOnnxModel, encodeModelProto, type OnnxModel } from './proto';
export { findSites, detectSites, type SiteDetection, type ModelSite, type ExplicitSites, type SiteSelection } from './sites';
export { readGrainConfig } from './config';
export { addOutputs, addFloat32Outputs, addMaskInputs } from './surgery';
export { readAnalysisModel } from './prepare';
export { detectLayout, copyUnits, type TensorLayout, type LayoutKind } from './layout';
export { modelInputs, type ModelInput } from './inputs';
export { needsModelFile, externalWeights } from './external';
export { embeddingTable } from './embedding';
