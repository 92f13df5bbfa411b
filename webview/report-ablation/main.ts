// Bundle entry of the ablation report webview (dist/webview/report-ablation.js).
import { bootReport } from '../shared/boot';
import { renderAblation } from './app';

bootReport('ablation', renderAblation);
