/** The object VS Code injects into webviews; a test page can define its own `acquireVsCodeApi` to stand in for the host. */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The typed link from a webview to the extension host. */
export interface HostBridge<ToHost, State> {
  post(message: ToHost): void;
  /** What the previous incarnation of this webview saved, if anything. */
  readonly savedState: Partial<State> | undefined;
  saveState(state: State): void;
}

/** Connects to the host: installs the message listener, then says `ready` so the host sends its snapshot. */
export function connectToHost<FromHost, ToHost extends { readonly type: string }, State>(
  onMessage: (message: FromHost) => void,
): HostBridge<ToHost, State> {
  const api = acquireVsCodeApi();
  window.addEventListener('message', (event: MessageEvent<FromHost>) => onMessage(event.data));
  const savedState = (api.getState() ?? undefined) as Partial<State> | undefined;
  api.postMessage({ type: 'ready' });
  return {
    post: (message) => api.postMessage(message),
    savedState,
    saveState: (state) => api.setState(state),
  };
}
