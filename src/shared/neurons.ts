/** Neuron ids and labels for every side of Grain, the webviews included (see src/core/neurons.ts). */
export {
  countBySite,
  locateNeuron,
  locationTitle,
  neuronLabel,
  neuronTitle,
  parseNeuron,
  siteOffsets,
  totalNeurons,
  type NeuronLocation,
  type SiteWidth,
} from '../core/neurons';
