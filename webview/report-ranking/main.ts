// Bundle entry of the ranking report webview (dist/webview/report-ranking.js).
import { bootReport } from '../shared/boot';
import { renderRanking } from './app';

bootReport('ranking', renderRanking);
