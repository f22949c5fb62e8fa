import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkHttp } from '../../../src/checkers/http/check.ts';
import { httpSpecSchema, type HttpSpecInput } from '../../../src/checkers/http/spec.ts';
import type { Outcome } from '../../../src/results/result.ts';
import { HostLimiter } from '../../../src/runner/host-limiter.ts';

const TOKEN = 'tok-4711-geheim';

/** A server on 127.0.0.1 that keeps the headers of every request and echoes Authorization back. */
interface Recorder {
  url: string;
  seen: IncomingHttpHeaders[];
  server: Server;
}

async function recorder(redirectTo?: () => string): Promise<Recorder> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    if (redirectTo && req.url === '/start') {
      res.writeHead(302, { location: redirectTo() }).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/plain',
      'x-echo': req.headers.authorization ?? '',
    });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen, server };
}

let other: Recorder;
let service: Recorder;

beforeAll(async () => {
  // Two ports, two origins: the service and the third party a redirect leads to.
  other = await recorder();
  service = await recorder(() => `${other.url}/landing`);
});
afterAll(async () => {
  await Promise.all([service, other].map((r) => new Promise((ok) => r.server.close(ok))));
});
afterEach(() => {
  service.seen.length = 0;
  other.seen.length = 0;
  delete process.env.OZGWATCH_TEST_HTTP_TOKEN;
});

function check(spec: HttpSpecInput): Promise<Outcome> {
  return checkHttp(
    {
      signal: AbortSignal.timeout(5000),
      logger: pino({ level: 'silent' }),
      userAgent: 'ozgwatch/test',
      hosts: new HostLimiter(2),
      now: () => Date.now(),
    },
    httpSpecSchema.parse(spec),
  );
}

const withToken = (path: string, extra: Partial<HttpSpecInput> = {}): HttpSpecInput => ({
  url: `${service.url}${path}`,
  headers: { Authorization: 'Bearer ${env:OZGWATCH_TEST_HTTP_TOKEN}', 'X-Probe': 'ozgwatch' },
  ...extra,
});

describe('HTTP checker: secrets in request headers', () => {
  it('sends the value of ${env:NAME}, and keeps it out of the result when the service echoes it', async () => {
    process.env.OZGWATCH_TEST_HTTP_TOKEN = TOKEN;
    const out = await check(withToken('/', { expect: { headers: { 'x-echo': '^nothing$' } } }));
    expect(service.seen[0]?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(out.status).toBe('fail');
    expect(out.reason).toBe('assertion');
    expect(out.assertions.find((a) => a.name === 'header')?.actual).toBe('Bearer ***');
    expect(JSON.stringify(out)).not.toContain(TOKEN);
  });

  it('masks a short secret in the values of the result, never in its field names', async () => {
    // A token that is also a word of the result's own fields ("reason", "status", "name").
    process.env.OZGWATCH_TEST_HTTP_TOKEN = 'reason';
    const out = await check(withToken('/', { expect: { headers: { 'x-echo': '^nothing$' } } }));
    expect(service.seen[0]?.authorization).toBe('Bearer reason');
    expect(out.status).toBe('fail');
    expect(out.reason).toBe('assertion');
    expect(out.assertions.find((a) => a.name === 'header')?.actual).toBe('Bearer ***');
  });

  it('is error secret_missing, naming the variable, and sends nothing when it is not set', async () => {
    const out = await check(withToken('/'));
    expect(out).toMatchObject({ status: 'error', reason: 'secret_missing' });
    expect(out.message).toContain('OZGWATCH_TEST_HTTP_TOKEN');
    expect(service.seen).toHaveLength(0);
  });

  it('does not carry credentials or secrets to another origin a redirect leads to', async () => {
    process.env.OZGWATCH_TEST_HTTP_TOKEN = TOKEN;
    const out = await check(withToken('/start'));
    expect(out.status).toBe('pass');
    expect(service.seen[0]?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(other.seen).toHaveLength(1);
    expect(other.seen[0]?.authorization).toBeUndefined();
    expect(JSON.stringify(other.seen[0])).not.toContain(TOKEN);
    // A header without credentials still goes along.
    expect(other.seen[0]?.['x-probe']).toBe('ozgwatch');
  });

  it('drops an unnamed header that carries a secret on the way to another origin too', async () => {
    process.env.OZGWATCH_TEST_HTTP_TOKEN = TOKEN;
    await check({
      url: `${service.url}/start`,
      headers: { 'X-Api-Key': '${env:OZGWATCH_TEST_HTTP_TOKEN}' },
    });
    expect(service.seen[0]?.['x-api-key']).toBe(TOKEN);
    expect(other.seen[0]?.['x-api-key']).toBeUndefined();
  });
});
