// Neuron ids: the one numbering (src/core/neurons.ts) every side of Grain uses.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { countBySite, locateNeuron, neuronLabel, neuronTitle, parseNeuron, siteOffsets, totalNeurons } from '../../src/shared/neurons';

const SITES = [
  { name: 'embeddings', width: 256 },
  { name: 'layer1', width: 256 },
  { name: 'layer2', width: 256 },
];

test('global ids map to site and unit', () => {
  assert.deepEqual(locateNeuron(SITES, 0), { neuron: 0, site: 'embeddings', unit: 0 });
  assert.deepEqual(locateNeuron(SITES, 273), { neuron: 273, site: 'layer1', unit: 17 });
  assert.deepEqual(locateNeuron(SITES, 767), { neuron: 767, site: 'layer2', unit: 255 });
  assert.equal(locateNeuron(SITES, 768), undefined);
  assert.equal(locateNeuron(SITES, -1), undefined);
  assert.equal(neuronLabel(SITES, 273), 'layer1:17');
  assert.equal(neuronTitle(SITES, 273), 'neuron 273 (layer1:17)');
  assert.equal(neuronLabel(SITES, 768), '#768');
});

test('typed neurons: an id, #- or n-prefixed, or site:unit; errors say what is wrong', () => {
  assert.deepEqual(parseNeuron('#273', SITES), { neuron: 273, site: 'layer1', unit: 17 });
  assert.deepEqual(parseNeuron(' 273 ', SITES), { neuron: 273, site: 'layer1', unit: 17 });
  assert.deepEqual(parseNeuron('n17', SITES), { neuron: 17, site: 'embeddings', unit: 17 });
  assert.deepEqual(parseNeuron('layer1:17', SITES), { neuron: 273, site: 'layer1', unit: 17 });
  assert.deepEqual(parseNeuron('layer2 : 0', SITES), { neuron: 512, site: 'layer2', unit: 0 });
  assert.deepEqual(parseNeuron('800', SITES), { error: 'neuron 800 does not exist: there are neurons 0 to 767' });
  assert.deepEqual(parseNeuron('layer1:256', SITES), { error: 'layer1 has units 0 to 255; 256 is past its end' });
  assert.deepEqual(parseNeuron('layer9:1', SITES), { error: 'no site "layer9"; the sites are embeddings, layer1, layer2' });
  assert.deepEqual(parseNeuron('seventeen', SITES), { error: '"seventeen" is not a neuron: type an id (273) or a site and unit (layer1:17)' });
});

test('offsets, totals and counts by site agree with the numbering', () => {
  assert.deepEqual(siteOffsets(SITES), [0, 256, 512]);
  assert.equal(totalNeurons(SITES), 768);
  assert.deepEqual([...countBySite([0, 255, 256, 767, 700], SITES)], [2, 1, 2]);
});

test('labels of small sites, and ids past the last site', () => {
  const sites = [{ name: 'embeddings', width: 4 }, { name: 'layer1', width: 4 }];
  assert.equal(neuronLabel(sites, 0), 'embeddings:0');
  assert.equal(neuronLabel(sites, 5), 'layer1:1');
  assert.equal(neuronLabel(sites, 8), '#8');
});
