/**
 * The API VS Code injects into a webview, typed by the app's saved state and by the messages it
 * sends to the host. `acquireVsCodeApi` may be called only once per page, so apps call
 * `vscodeApi()` once in main.ts and pass the result on (which also lets tests pass a stub).
 */
export interface VsCodeApi<State, ToHost> {
  postMessage(message: ToHost): void;
  getState(): State | undefined;
  setState(state: State): State;
}

declare function acquireVsCodeApi(): VsCodeApi<unknown, unknown>;

export function vscodeApi<State, ToHost>(): VsCodeApi<State, ToHost> {
  return acquireVsCodeApi() as VsCodeApi<State, ToHost>;
}
