import type { ReasonCode } from '../../results/result.ts';

/**
 * Maps what undici and Node throw after a connection stood (the connector's own
 * failures are PhaseErrors) to a reason code. `internal` means: not a network
 * failure of the target, so the caller treats it as our bug.
 */
export function classifyError(error: unknown): { reason: ReasonCode; message: string } {
  const e = error as NodeJS.ErrnoException & { cause?: unknown };
  const code = e.code ?? '';
  const message = e.message ?? String(error);
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') {
    return { reason: 'connection_reset', message: `connection reset by the server (${message})` };
  }
  if (
    code === 'ERR_HTTP2_STREAM_ERROR' ||
    code === 'ERR_HTTP2_SESSION_ERROR' ||
    code === 'ERR_HTTP2_GOAWAY_SESSION'
  ) {
    return {
      reason: 'connection_reset',
      message: `HTTP/2 stream closed by the server (${message})`,
    };
  }
  if (
    e.name === 'HTTPParserError' ||
    code.startsWith('HPE_') ||
    code === 'UND_ERR_INFO' ||
    code.startsWith('ERR_HTTP2')
  ) {
    return { reason: 'protocol', message: `invalid HTTP response: ${message}` };
  }
  if (
    code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' ||
    code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH'
  ) {
    return { reason: 'protocol', message: `content-length mismatch: ${message}` };
  }
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return { reason: 'connect', message };
  }
  return { reason: 'internal', message };
}
