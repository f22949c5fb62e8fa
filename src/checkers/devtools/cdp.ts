/**
 * A Chrome DevTools Protocol connection to a browser's debugging endpoint, with flattened
 * sessions: just enough for the request guards that Playwright's pipe cannot serve (the
 * Lighthouse child's, and the one that holds back workers' WebSockets in journeys and scans). Node's own WebSocket
 * client; no dependency for a handful of messages.
 */

export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
  /** The target's session; absent for events of the browser itself. */
  sessionId?: string;
}

interface Reply {
  id: number;
  result?: Record<string, unknown>;
  error?: { message: string };
}

export class CdpConnection {
  readonly #socket: WebSocket;
  readonly #pending = new Map<
    number,
    { resolve: (r: unknown) => void; reject: (e: Error) => void }
  >();
  #next = 0;
  #closed: Error | undefined;

  private constructor(socket: WebSocket, onEvent: (event: CdpEvent) => void) {
    this.#socket = socket;
    socket.addEventListener('message', (message: MessageEvent) => {
      const data = JSON.parse(String(message.data)) as Partial<Reply> & Partial<CdpEvent>;
      if (typeof data.id === 'number') {
        const waiting = this.#pending.get(data.id);
        this.#pending.delete(data.id);
        if (data.error) waiting?.reject(new Error(data.error.message));
        else waiting?.resolve(data.result ?? {});
      } else if (typeof data.method === 'string') {
        onEvent({
          method: data.method,
          params: data.params ?? {},
          ...(data.sessionId ? { sessionId: data.sessionId } : {}),
        });
      }
    });
    socket.addEventListener('close', () => {
      this.#closed = new Error('the DevTools connection closed');
      for (const waiting of this.#pending.values()) waiting.reject(this.#closed);
      this.#pending.clear();
    });
  }

  /** Connects to `ws://…/devtools/browser/…`; events go to `onEvent` as they come. */
  static open(url: string, onEvent: (event: CdpEvent) => void): Promise<CdpConnection> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const connection = new CdpConnection(socket, onEvent);
      socket.addEventListener('open', () => resolve(connection), { once: true });
      socket.addEventListener(
        'error',
        () => reject(new Error(`cannot connect to the browser's DevTools at ${url}`)),
        { once: true },
      );
    });
  }

  send<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> = {},
    sessionId?: string,
  ): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = ++this.#next;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      this.#socket.send(
        JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }),
      );
    });
  }

  close(): void {
    this.#socket.close();
  }
}
