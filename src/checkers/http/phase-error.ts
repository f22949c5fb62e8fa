/**
 * Why a connection could not be made; the reason code says which phase broke, or
 * `proxy_error` when the proxy itself failed (unreachable, refused, wants other credentials).
 */
export class PhaseError extends Error {
  readonly reason: 'dns' | 'connect' | 'tls' | 'cert_invalid' | 'proxy_error';
  constructor(reason: PhaseError['reason'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PhaseError';
    this.reason = reason;
  }
}
