import type { LiveEvents } from './api-types.ts';

export type LiveEvent = keyof LiveEvents;
type Handler<E extends LiveEvent> = (data: LiveEvents[E]) => void;

/**
 * The node's live events (Server-Sent Events from /console/api/events). Pages subscribe to
 * the events they show and unsubscribe when they go. `onLost` is told when the stream
 * ends for good (the session ended, or the node refused it).
 */
export class Live {
  private source: EventSource | undefined;
  private readonly handlers: { [E in LiveEvent]: Set<Handler<E>> } = {
    outbox: new Set(),
    partners: new Set(),
    received: new Set(),
    delivery: new Set(),
    command: new Set(),
    published: new Set(),
    chargers: new Set(),
    'signed-out': new Set(),
  };

  constructor(private readonly onLost: () => void) {}

  open(): void {
    if (this.source) return;
    const source = new EventSource('/console/api/events');
    this.source = source;
    const events = [
      'outbox',
      'partners',
      'received',
      'delivery',
      'command',
      'published',
      'chargers',
    ] as const;
    for (const event of events)
      source.addEventListener(event, (message) => this.dispatch(event, message.data));
    source.addEventListener('signed-out', () => {
      this.close();
      this.onLost();
    });
    source.addEventListener('error', () => {
      // EventSource retries a dropped connection by itself; a refused one it closes.
      if (source.readyState === EventSource.CLOSED) {
        this.close();
        this.onLost();
      }
    });
  }

  close(): void {
    this.source?.close();
    this.source = undefined;
  }

  on<E extends LiveEvent>(event: E, handler: Handler<E>): () => void {
    const set = this.handlers[event];
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  private dispatch<E extends LiveEvent>(event: E, text: string): void {
    const data: LiveEvents[E] = JSON.parse(text);
    for (const handler of this.handlers[event]) handler(data);
  }
}
