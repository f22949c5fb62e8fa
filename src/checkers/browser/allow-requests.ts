import { z } from 'zod';

/**
 * One entry of `allowRequests`: a request a journey (or a Lighthouse audit) may send although
 * it changes state (a test login, say). `WEBSOCKET` lets the page open a socket to a matching
 * `ws://`/`wss://` address; every message on it passes, both ways. Its own module, so that the
 * Lighthouse spec can use it (the browser spec imports the a11y spec, which imports that one).
 */
export const allowedRequestSchema = z
  .strictObject({
    method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE', 'WEBSOCKET']),
    /** Glob (`**` any path, `*` one segment) or `/regular expression/`. */
    url: z.string().min(1),
  })
  .superRefine((allowed, ctx) => {
    // A glob is matched against the request's whole address, scheme included: one written
    // with the other kind of scheme never matches, and the request stays blocked unseen.
    if (/^\/.+\/[a-z]*$/.test(allowed.url)) return;
    const socket = /^wss?:\/\//.test(allowed.url);
    const web = /^https?:\/\//.test(allowed.url);
    if (allowed.method === 'WEBSOCKET' && web) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: `a WebSocket's address starts with ws:// or wss://, not ${allowed.url.split('//')[0]}//; write ${allowed.url.replace(/^http/, 'ws')}`,
      });
    } else if (allowed.method !== 'WEBSOCKET' && socket) {
      ctx.addIssue({
        code: 'custom',
        path: ['method'],
        message: `${allowed.url} is a WebSocket address: allow it with method WEBSOCKET`,
      });
    }
  });
