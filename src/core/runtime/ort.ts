/**
 * The one way Grain loads onnxruntime: telemetry is switched off first (see telemetry-off.ts).
 * ES modules evaluate their imports in order, so the side-effect import runs before the runtime.
 */
import './telemetry-off';
import * as runtime from 'onnxruntime-node';

export import ort = runtime;
