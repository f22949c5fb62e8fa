import { BlockList, isIP } from 'node:net';
import type { Logger } from 'pino';

/**
 * The outbound proxy: which proxy (if any) a request to a watched service goes through.
 * Built once at start from the config's `proxy` section (which the conventional
 * `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` variables fill in, see config.ts); every kind
 * of traffic to watched services (the HTTP checker, document downloads, robots.txt, the
 * browser, Lighthouse) asks it, so that all of it goes the same way.
 */

/** A forward proxy as requests use it. Its credentials never leave this object but as a header. */
export interface ProxyServer {
  /** `http://proxy.rz.example:3128`: scheme, host and port, never the credentials. */
  readonly origin: string;
  /** Host name or IP literal (IPv6 without brackets). */
  readonly hostname: string;
  readonly port: number;
  /** `Basic …` when the URL carried credentials. */
  readonly authorization?: string;
  /** The decoded credentials, for Chromium's answer to the proxy's 407. */
  readonly username?: string;
  readonly password?: string;
}

export interface ProxySettings {
  /** The proxy for https:// targets; undefined = direct. */
  https?: ProxyServer;
  /** The proxy for http:// targets; undefined = direct. */
  http?: ProxyServer;
  /** The `noProxy` entries as given (for logs and Chromium's bypass list). */
  noProxy: readonly string[];
  /** Whether requests to `url` go direct: loopback always, then the `noProxy` entries. */
  bypasses(url: URL): boolean;
}

/** What the config's `proxy` section holds after validation. */
export interface ProxyConfig {
  url?: string;
  https?: string;
  http?: string;
  noProxy: string[];
}

/** Settings from the validated config; undefined when no proxy is set (everything direct). */
export function proxySettings(config: ProxyConfig | undefined): ProxySettings | undefined {
  const httpsUrl = config?.https ?? config?.url;
  const httpUrl = config?.http ?? config?.url;
  if (!httpsUrl && !httpUrl) return undefined;
  const noProxy = config?.noProxy ?? [];
  const bypass = bypassMatcher(noProxy);
  return {
    ...(httpsUrl ? { https: proxyServer(httpsUrl) } : {}),
    ...(httpUrl ? { http: proxyServer(httpUrl) } : {}),
    noProxy,
    bypasses: bypass,
  };
}

/** The proxy a request to `url` goes through, or undefined to go direct. */
export function proxyFor(settings: ProxySettings | undefined, url: URL): ProxyServer | undefined {
  if (!settings) return undefined;
  const proxy = url.protocol === 'https:' ? settings.https : settings.http;
  if (!proxy || settings.bypasses(url)) return undefined;
  return proxy;
}

/**
 * Why a proxy URL cannot be used, or undefined when it can: only `http://` proxies (what
 * data-centre proxies speak; curl and Go read a URL without scheme the same way), with a
 * host, without path, query or fragment.
 */
export function proxyUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = parseProxyUrl(text);
  } catch {
    return 'expected a proxy URL like http://proxy.example:3128';
  }
  if (url.protocol !== 'http:') {
    return `${url.protocol}// proxies are not supported; expected http://host:port`;
  }
  if (!url.hostname) return 'the proxy URL has no host';
  if (url.pathname !== '/' || url.search || url.hash) {
    return 'expected only scheme, host and port (http://host:port)';
  }
  return undefined;
}

/**
 * A proxy URL for logs, results and errors: the password replaced, the user name kept so that
 * an operator can tell which account is used. Text that is no URL is not shown at all.
 */
export function redactProxyUrl(text: string): string {
  try {
    const url = parseProxyUrl(text);
    if (url.password) url.password = '***';
    return url.href.replace(/\/$/, '');
  } catch {
    return '(unparsable proxy URL)';
  }
}

/** Chromium's bypass list for Playwright's `proxy.bypass` and `--proxy-bypass-list`. */
export function chromiumBypassList(noProxy: readonly string[]): string[] {
  const rules: string[] = [];
  for (const entry of noProxy) {
    if (entry === '*') return ['*'];
    const { host, port } = splitPort(entry);
    const suffix = port ? `:${port}` : '';
    if (isIP(host) || host.includes('/')) {
      rules.push(isIP(host) === 6 ? `[${host}]${suffix}` : `${host}${suffix}`);
      continue;
    }
    const domain = host.replace(/^\*?\.?/, '');
    // Chromium reads `intern` as that host only and `.intern` as its subdomains only; curl and
    // Go's NO_PROXY mean both, so both are given.
    rules.push(`${domain}${suffix}`, `*.${domain}${suffix}`);
  }
  return rules;
}

/** `http://user:pass@host:port` → the proxy as requests use it. */
function proxyServer(text: string): ProxyServer {
  const url = parseProxyUrl(text);
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    origin: `${url.protocol}//${url.host}`,
    hostname,
    port: Number(url.port) || 80,
    ...(username || password
      ? {
          authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
          username,
          password,
        }
      : {}),
  };
}

function parseProxyUrl(text: string): URL {
  return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
}

/**
 * NO_PROXY as curl and Go read it: `*` for everything; a host name for itself and its
 * subdomains (`intern`, `.intern` and `*.intern` alike); an IP address or a CIDR range
 * (`10.0.0.0/8`) for targets written as IP literals (names are not resolved to decide);
 * `host:port` for that port only. Loopback (`localhost`, 127.0.0.0/8, ::1) always goes
 * direct: the daemon's own servers and local fixtures are never sent to a proxy.
 */
function bypassMatcher(noProxy: readonly string[]): (url: URL) => boolean {
  if (noProxy.includes('*')) return () => true;
  const ranges = new BlockList();
  ranges.addSubnet('127.0.0.0', 8, 'ipv4');
  ranges.addAddress('::1', 'ipv6');
  const names: { domain: string; port?: string }[] = [{ domain: 'localhost' }];
  const portRanges: { range: BlockList; port: string }[] = [];
  for (const entry of noProxy) {
    const { host, port } = splitPort(entry);
    const [address, bits] = host.split('/');
    const family = isIP(address ?? '');
    if (family !== 0 && address) {
      const list = port ? new BlockList() : ranges;
      const type = family === 6 ? 'ipv6' : 'ipv4';
      if (bits !== undefined) list.addSubnet(address, Number(bits), type);
      else list.addAddress(address, type);
      if (port) portRanges.push({ range: list, port });
      continue;
    }
    const domain = host.replace(/^\*?\.?/, '').toLowerCase();
    if (domain) names.push({ domain, ...(port ? { port } : {}) });
  }
  return (url) => {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const family = isIP(host);
    if (family !== 0) {
      const type = family === 6 ? 'ipv6' : 'ipv4';
      if (ranges.check(host, type)) return true;
      return portRanges.some((r) => r.port === port && r.range.check(host, type));
    }
    return names.some(
      (n) =>
        (n.port === undefined || n.port === port) &&
        (host === n.domain || host.endsWith(`.${n.domain}`)),
    );
  };
}

/** `host:port`, `[v6]:port`, `10.0.0.0/8` → host and port (none for a bare IPv6 address). */
function splitPort(entry: string): { host: string; port?: string } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (v6) return { host: v6[1] ?? '', ...(v6[2] ? { port: v6[2] } : {}) };
  if (isIP(entry.split('/')[0] ?? '') === 6) return { host: entry };
  const m = /^(.*):(\d+)$/.exec(entry);
  return m ? { host: m[1] ?? '', port: m[2] ?? '' } : { host: entry };
}

/** The comma- or space-separated NO_PROXY text as entries. */
export function splitNoProxy(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/**
 * Chromium's `--proxy-server` value: the one proxy when http and https targets share it,
 * else one per scheme (`https=…;http=…`; a scheme without proxy goes direct).
 */
export function chromiumProxyServer(settings: ProxySettings): string {
  const { https, http } = settings;
  if (https && http && https.origin === http.origin) return https.origin;
  return [https && `https=${https.origin}`, http && `http=${http.origin}`]
    .filter((rule): rule is string => typeof rule === 'string')
    .join(';');
}

/** Chromium flags that send a browser's traffic the way the settings say (no credentials). */
export function chromiumProxyFlags(settings: ProxySettings | undefined): string[] {
  if (!settings) return [];
  const bypass = chromiumBypassList(settings.noProxy);
  return [
    `--proxy-server=${chromiumProxyServer(settings)}`,
    ...(bypass.length > 0 ? [`--proxy-bypass-list=${bypass.join(';')}`] : []),
  ];
}

/** Playwright's `proxy` launch option: server, bypass list and the proxy's credentials. */
export function playwrightProxy(
  settings: ProxySettings,
): { server: string; bypass?: string; username?: string; password?: string } | undefined {
  const main = settings.https ?? settings.http;
  if (!main) return undefined;
  const bypass = chromiumBypassList(settings.noProxy);
  return {
    server: main.origin,
    ...(bypass.length > 0 ? { bypass: bypass.join(',') } : {}),
    ...(main.username !== undefined ? { username: main.username } : {}),
    ...(main.password !== undefined ? { password: main.password } : {}),
  };
}

/**
 * What the start log says about the proxy: where requests go and, per proxy, which account
 * they use (the https and the http proxy may differ), never the password.
 */
export function describeProxy(settings: ProxySettings | undefined): Record<string, unknown> {
  if (!settings) return { proxy: 'none (all requests direct)' };
  return {
    httpsProxy: settings.https?.origin ?? 'direct',
    ...(settings.https?.username ? { httpsProxyUser: settings.https.username } : {}),
    httpProxy: settings.http?.origin ?? 'direct',
    ...(settings.http?.username ? { httpProxyUser: settings.http.username } : {}),
    noProxy: ['localhost', '127.0.0.0/8', '::1', ...settings.noProxy],
  };
}

/**
 * The proxy settings of the configuration, said in the log (info) the way every command
 * that sends requests to watched services says it: the daemon at start, `run`, `scan`.
 */
export function configuredProxy(
  config: ProxyConfig | undefined,
  logger: Logger,
): ProxySettings | undefined {
  const settings = proxySettings(config);
  logger.info(describeProxy(settings), settings ? 'outbound proxy in use' : 'no outbound proxy');
  return settings;
}
