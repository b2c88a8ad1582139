import type { Api } from '../api.ts';
import type { Live } from '../live.ts';

/** What a page is handed: the node's API and its live events. */
export interface PageContext {
  api: Api;
  live: Live;
}

/** A page on screen; `dispose` ends its subscriptions when another page replaces it. */
export interface PageView {
  title: string;
  element: HTMLElement;
  dispose(): void;
}
