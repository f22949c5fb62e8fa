/**
 * HTTPS sites on 127.0.0.1 with certificates made for the test run: a service, an identity
 * provider its login leads to, and sites whose certificates are broken in one way each.
 *
 * Chromium trusts no test CA (it reads no CA file, and a profile's NSS store is the
 * machine's), so a test browser trusts single leaf keys instead with
 * `--ignore-certificate-errors-spki-list` ({@link TlsSites.trustArgs}). That flag clears every
 * error of a chain with a listed key, so only the sites meant to load are listed; the broken
 * ones are refused as a county's would be, though Chromium names the untrusted issuer
 * (ERR_CERT_AUTHORITY_INVALID) before their own fault.
 */
import { constants, createHash, KeyObject, webcrypto, X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:https';
import { createSecureContext, type PeerCertificate, type TLSSocket } from 'node:tls';
// @peculiar/x509 resolves its algorithms through tsyringe, which needs this polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

const DAY = 86_400_000;
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface TlsSite {
  /** `https://localhost:PORT` */
  url: string;
  /** The leaf certificate's notAfter, epoch ms. */
  notAfter: number;
  /** Base64 SHA-256 of the leaf's public key, for Chromium's SPKI list. */
  spki: string;
}

export interface TlsSites {
  /** Valid for a year; its page links to `login` on the identity provider. */
  service: TlsSite;
  /** The identity provider: valid for 10 more days. */
  idp: TlsSite;
  /** A service whose login leads to `expired`. */
  serviceWithExpiredLogin: TlsSite;
  /** Expired yesterday. */
  expired: TlsSite;
  /**
   * Expired yesterday, named `abgelaufen.ozgwatch.test`: a name that resolves nowhere, so it
   * is reached only through a forward proxy that maps it to this server.
   */
  expiredBehindProxy: TlsSite;
  /** Valid for a year, but for other.example only. */
  wrongHost: TlsSite;
  /**
   * Two backends behind one address, as behind a load balancer: each connection gets the other
   * one's certificate, the first valid for a year, the next for 20 days (`notAfter` is the
   * latter's), and every answer closes its connection. Its pages link `/weiter`.
   */
  alternating: TlsSite & {
    /** The end of validity of the certificate each request came over, in order. */
    served(): number[];
  };
  /** Chromium flags that trust the sites meant to load, and no other. */
  trustArgs: string[];
  /** While down, `service` answers 503, so a journey breaks before reaching `idp`. */
  setServiceDown(down: boolean): void;
  close(): Promise<void>;
}

export async function startTlsSites(): Promise<TlsSites> {
  x509.cryptoProvider.set(globalThis.crypto);
  const now = Date.now();
  const caKeys = await newKeys();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=ozgwatch Journey-Test-CA, C=DE',
    keys: caKeys,
    notBefore: new Date(now - 60 * DAY),
    notAfter: new Date(now + 3650 * DAY),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
    ],
  });
  const servers: Server[] = [];
  const certificate = async (name: string, fromDays: number, toDays: number) => {
    const keys = await newKeys();
    const notAfter = now + toDays * DAY;
    const cert = await x509.X509CertificateGenerator.create({
      subject: `CN=${name}`,
      issuer: ca.subject,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      notBefore: new Date(now + fromDays * DAY),
      notAfter: new Date(notAfter),
      signingAlgorithm: ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: name }]),
      ],
    });
    const pem = cert.toString('pem');
    return {
      key: KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }),
      cert: `${pem}\n${ca.toString('pem')}\n`,
      notAfter: new Date(cert.notAfter).getTime(),
      spki: spkiOf(pem),
    };
  };
  const site = async (
    name: string,
    fromDays: number,
    toDays: number,
    page: (self: string) => string,
    status: () => number = () => 200,
  ): Promise<TlsSite> => {
    const { key, cert, notAfter, spki } = await certificate(name, fromDays, toDays);
    let self = '';
    const server = createServer({ key, cert }, (_req, res) => {
      res.writeHead(status(), { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(self));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = `https://localhost:${(server.address() as AddressInfo).port}`;
    return { url: self, notAfter, spki };
  };
  const html = (title: string, body = ''): string =>
    `<!doctype html><html lang="de"><title>${title}</title><h1>${title}</h1>${body}`;

  const idp = await site('localhost', -1, 10, () => html('Anmeldung mit BundID'));
  const expired = await site('localhost', -30, -1, () => html('Anmeldung (abgelaufen)'));
  let serviceDown = false;
  const service = await site(
    'localhost',
    -1,
    365,
    () =>
      serviceDown
        ? html('Wartungsarbeiten')
        : html('Wohngeld', `<a href="${idp.url}/login">Anmelden</a>`),
    () => (serviceDown ? 503 : 200),
  );
  const serviceWithExpiredLogin = await site('localhost', -1, 365, () =>
    html('Wohngeld', `<a href="${expired.url}/login">Anmelden</a>`),
  );
  const expiredBehindProxy = await site('abgelaufen.ozgwatch.test', -30, -1, () =>
    html('Abgelaufen'),
  );
  const wrongHost = await site('other.example', -1, 365, () => html('Falscher Name'));

  const yearLong = await certificate('localhost', -1, 365);
  const shortLived = await certificate('localhost', -1, 20);
  const contexts = [yearLong, shortLived].map(({ key, cert }) =>
    createSecureContext({ key, cert }),
  );
  let handshakes = 0;
  const served: number[] = [];
  const balancer = createServer(
    {
      key: yearLong.key,
      cert: yearLong.cert,
      // Each handshake a new backend: no session resumption, which would keep the first one's.
      secureOptions: constants.SSL_OP_NO_TICKET,
      SNICallback: (_name, done) => done(null, contexts[handshakes++ % 2]),
    },
    (req, res) => {
      const local = (req.socket as TLSSocket).getCertificate() as PeerCertificate | null;
      served.push(local ? new Date(local.valid_to).getTime() : 0);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
      res.end(html('Bürgerbüro', '<a href="/weiter">Weiter</a>'));
    },
  );
  servers.push(balancer);
  await new Promise<void>((resolve) => balancer.listen(0, '127.0.0.1', resolve));
  const alternating = {
    url: `https://localhost:${(balancer.address() as AddressInfo).port}`,
    notAfter: shortLived.notAfter,
    spki: shortLived.spki,
    served: () => [...served],
  };
  const trusted = [
    ...[idp, service, serviceWithExpiredLogin].map((s) => s.spki),
    yearLong.spki,
    shortLived.spki,
  ];
  return {
    service,
    idp,
    serviceWithExpiredLogin,
    expired,
    expiredBehindProxy,
    wrongHost,
    alternating,
    trustArgs: [`--ignore-certificate-errors-spki-list=${trusted.join(',')}`],
    setServiceDown(down) {
      serviceDown = down;
    },
    async close() {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}

function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
}

function spkiOf(pem: string): string {
  const der = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}
