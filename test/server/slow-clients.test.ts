/**
 * A slow or stalled client does not keep a connection of the daemon: one that sends its
 * headers a byte at a time is cut off at the header limit, one that stops reading a large
 * download at the idle limit. The limits are shortened here; the defaults are in
 * SERVER_LIMITS and docs/operations.md.
 */
import { readdir, readlink } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './world.ts';

let world: World;

beforeAll(async () => {
  // Larger than what the kernel's socket buffers take in while nobody reads.
  world = await startWorld({
    traceBytes: 64 * 1024 * 1024,
    server: { limits: { headersMs: 500, idleMs: 800 } },
  });
});
afterAll(async () => {
  await world?.close();
});

function open(): Promise<Socket> {
  const { port } = world.server;
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Milliseconds until the server closes `socket`, or undefined if it is still open after `within`. */
function closedWithin(socket: Socket, within: number): Promise<number | undefined> {
  const start = performance.now();
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), within);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(performance.now() - start);
    });
  });
}

/** Files this process holds open whose path ends in `suffix`. */
async function openFiles(suffix: string): Promise<string[]> {
  const fds = await readdir('/proc/self/fd');
  const targets = await Promise.all(
    fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')),
  );
  return targets.filter((t) => t.endsWith(suffix));
}

describe('slow clients', () => {
  it('one that trickles its headers is cut off at the header limit', async () => {
    const socket = await open();
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // A byte every 100 ms: never idle, never done.
    const drip = setInterval(() => socket.writable && socket.write('x'), 100);
    try {
      // Node's own check for it would come only after up to 30 s.
      expect(await closedWithin(socket, 6_000)).toBeDefined();
    } finally {
      clearInterval(drip);
      socket.destroy();
    }
  }, 10_000);

  it('one that stops reading a download is cut off at the idle limit, the file closed', async () => {
    const socket = await open();
    socket.on('error', () => undefined);
    let received = 0;
    let stalled = true;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      // Takes the headers and a little, then reads nothing more for a while.
      if (stalled) socket.pause();
    });
    socket.write('GET /runs/run-1/artifacts/trace.zip HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    try {
      await new Promise((r) => setTimeout(r, 2_500));
      // The server let go of the connection and the file (Linux: the process's open files).
      expect(await openFiles('trace.zip')).toEqual([]);
      // Reading again, the client gets what was under way, then the end: not the whole file.
      const closed = closedWithin(socket, 5_000);
      stalled = false;
      socket.resume();
      expect(await closed).toBeDefined();
      expect(received).toBeLessThan(64 * 1024 * 1024);
    } finally {
      socket.destroy();
    }
    // Others are served as before.
    expect((await fetch(`${world.server.url}/healthz`)).status).toBe(200);
  }, 12_000);
});
