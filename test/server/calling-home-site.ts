/**
 * A small site whose form page does everything a defaced page could do to whoever opens a
 * copy of it: inline and external script, an event handler, a `<meta refresh>` away, an
 * external stylesheet, image and font, a form that posts. Each of them, when a browser acts on it, requests `/home?via=…` from this
 * server, which counts it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallingHomeSite {
  url: string;
  /** `via` of every `/home` request so far. */
  calls(): string[];
  close(): Promise<void>;
}

function page(home: string): string {
  const call = (via: string): string => `${home}/home?via=${via}`;
  return `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Antrag Hundesteuer</title>
<style>h1 { color: rgb(0, 90, 160); }</style>
<link rel="stylesheet" href="${call('stylesheet')}">
<style>@font-face { font-family: x; src: url(${call('font')}); } p { font-family: x; }</style>
<script src="${call('script-src')}"></script>
<script>window.siteScriptRan = true; fetch(${JSON.stringify(call('inline-script'))});</script>
</head>
<body>
<h1>Antrag auf Anmeldung eines Hundes</h1>
<p>Bitte füllen Sie das Formular aus.</p>
<img src="${call('img')}" alt="">
<img src="x" alt="" onerror="fetch('${call('onerror')}')">
<form method="post" action="${call('form')}"><button>Absenden</button></form>
</body>
</html>`;
}

export async function startCallingHomeSite(): Promise<CallingHomeSite> {
  const calls: string[] = [];
  let home = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', home);
    if (url.pathname === '/home') {
      calls.push(url.searchParams.get('via') ?? '?');
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/antrag') {
      // The refresh goes last in the head: a probe reading the page must get to it first.
      const html = page(home).replace(
        '</head>',
        `<meta http-equiv="refresh" content="2;url=${home}/home?via=refresh">\n</head>`,
      );
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  home = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: home,
    calls: () => [...calls],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
