/**
 * What takes the place of `WebSocket` in the pages, frames and workers of a Lighthouse audit,
 * and in the workers of a journey or a page scan.
 * The DevTools protocol can hold back any HTTP request, but not a WebSocket's handshake, and
 * a socket can carry anything (Blazor Server and SignalR send "Antrag absenden" over it). So
 * each socket first asks ozgwatch, through the binding {@link SOCKET_BINDING}, and connects
 * only when told so by {@link SOCKET_VERDICT}; a refused one fails like a connection the
 * server refused (an `error`, then `close` 1006), so that the page's own error handling runs.
 */

/** The CDP binding a socket asks through; its payload is `{"id":…,"url":…}`. */
export const SOCKET_BINDING = '__ozgwatchSocket';
/** The function the answer comes to: `(id, allowed)`. */
export const SOCKET_VERDICT = '__ozgwatchSocketVerdict';

export const SOCKET_STAND_IN = `(() => {
  const ask = globalThis.${SOCKET_BINDING};
  const Native = globalThis.WebSocket;
  if (typeof ask !== 'function' || typeof Native !== 'function' || globalThis.${SOCKET_VERDICT}) return;
  const waiting = new Map();
  let next = 0;
  Object.defineProperty(globalThis, '${SOCKET_VERDICT}', {
    value: (id, allowed) => {
      const settle = waiting.get(id);
      waiting.delete(id);
      if (settle) settle(allowed === true);
    },
  });
  const copy = (e) =>
    e.type === 'message'
      ? new MessageEvent('message', { data: e.data, origin: e.origin, lastEventId: e.lastEventId })
      : e.type === 'close'
        ? new CloseEvent('close', { code: e.code, reason: e.reason, wasClean: e.wasClean })
        : new Event(e.type);
  class WebSocket extends EventTarget {
    #url;
    #protocols;
    #real = null;
    #state = 0;
    #binaryType = 'blob';
    #handlers = {};
    constructor(url, protocols) {
      super();
      const address = new URL(url, globalThis.location?.href);
      if (address.protocol === 'http:') address.protocol = 'ws:';
      else if (address.protocol === 'https:') address.protocol = 'wss:';
      if (!/^wss?:$/.test(address.protocol) || address.hash) {
        throw new DOMException("The URL '" + url + "' is invalid.", 'SyntaxError');
      }
      this.#url = address.href;
      this.#protocols = protocols;
      for (const type of ['open', 'message', 'error', 'close']) {
        this.addEventListener(type, (e) => this.#handlers[type]?.call(this, e));
      }
      const id = ++next;
      waiting.set(id, (allowed) => (allowed ? this.#connect() : this.#refuse()));
      ask(JSON.stringify({ id, url: this.#url }));
    }
    #connect() {
      if (this.#state !== 0) return;
      const real = new Native(this.#url, this.#protocols);
      real.binaryType = this.#binaryType;
      this.#real = real;
      for (const type of ['open', 'message', 'error', 'close']) {
        real.addEventListener(type, (e) => this.dispatchEvent(copy(e)));
      }
    }
    #refuse() {
      if (this.#state === 3) return;
      this.#state = 3;
      this.dispatchEvent(new Event('error'));
      this.dispatchEvent(new CloseEvent('close', { code: 1006, reason: '', wasClean: false }));
    }
    get url() { return this.#url; }
    get readyState() { return this.#real ? this.#real.readyState : this.#state; }
    get protocol() { return this.#real ? this.#real.protocol : ''; }
    get extensions() { return this.#real ? this.#real.extensions : ''; }
    get bufferedAmount() { return this.#real ? this.#real.bufferedAmount : 0; }
    get binaryType() { return this.#real ? this.#real.binaryType : this.#binaryType; }
    set binaryType(type) { this.#binaryType = type; if (this.#real) this.#real.binaryType = type; }
    #handler(type) { return this.#handlers[type] ?? null; }
    #setHandler(type, handler) { this.#handlers[type] = typeof handler === 'function' ? handler : null; }
    get onopen() { return this.#handler('open'); }
    set onopen(h) { this.#setHandler('open', h); }
    get onmessage() { return this.#handler('message'); }
    set onmessage(h) { this.#setHandler('message', h); }
    get onerror() { return this.#handler('error'); }
    set onerror(h) { this.#setHandler('error', h); }
    get onclose() { return this.#handler('close'); }
    set onclose(h) { this.#setHandler('close', h); }
    send(data) {
      if (!this.#real) throw new DOMException('Still in CONNECTING state.', 'InvalidStateError');
      this.#real.send(data);
    }
    close(code, reason) {
      if (this.#real) return this.#real.close(code, reason);
      // Closed before the answer came: it never connects.
      if (this.#state === 0) setTimeout(() => this.#refuse(), 0);
      this.#state = 2;
    }
  }
  ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach((name, value) => {
    Object.defineProperty(WebSocket, name, { value });
    Object.defineProperty(WebSocket.prototype, name, { value });
  });
  Object.defineProperty(globalThis, 'WebSocket', { value: WebSocket, writable: true, configurable: true });
})();`;
