import { describe, expect, it } from 'vitest';
import type { HttpSpec } from '../../../src/checkers/http/spec.ts';
import { head, probeFolder } from '../../probes/probe-folder.ts';

const folder = probeFolder();

describe('http.ipProtocol in probe files', () => {
  it('an IP literal of the other family is reported with file, line and field', async () => {
    const { probes, lines } = await folder.load({
      'kfz.yaml': `${head}  http:\n    url: 'http://[2001:db8::10]/kfz'\n    ipProtocol: ip4\n`,
    });
    expect(probes).toEqual([]);
    expect(lines).toEqual([
      'kfz.yaml:7:5: [0].http.ipProtocol: 2001:db8::10 is an IPv6 address, but ipProtocol ip4 connects over IPv4 only',
    ]);
  });

  it('one template checks the same service over IPv4 and IPv6 as two probes', async () => {
    const { probes, lines } = await folder.load({
      'kfz.yaml': `- id: kfz-ludwigsburg-\${ip}
  name: Kfz-Zulassung Ludwigsburg (\${ip})
  kind: http
  labels: { service: kfz, county: ludwigsburg }
  targets:
    - { ip: ip4 }
    - { ip: ip6 }
  http:
    url: https://kfz.example.de/
    ipProtocol: \${ip}
`,
    });
    expect(lines).toEqual([]);
    expect(
      probes.map(({ probe: p }) => [p.id, (p.http as HttpSpec | undefined)?.ipProtocol, p.labels]),
    ).toEqual([
      ['kfz-ludwigsburg-ip4', 'ip4', { service: 'kfz', county: 'ludwigsburg' }],
      ['kfz-ludwigsburg-ip6', 'ip6', { service: 'kfz', county: 'ludwigsburg' }],
    ]);
  });
});
