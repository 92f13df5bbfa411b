// Bundle entry of the correlation report webview (dist/webview/report-correlation.js).
import { bootReport } from '../shared/boot';
import { renderCorrelation } from './app';

bootReport('correlation', renderCorrelation);
