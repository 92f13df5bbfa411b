// Bundle entry of the top-contexts report webview (dist/webview/report-contexts.js).
import { bootReport } from '../shared/boot';
import { CONTEXTS_CSS, renderContexts } from './app';

const style = document.createElement('style');
style.textContent = CONTEXTS_CSS;
document.head.append(style);
bootReport('contexts', renderContexts);
