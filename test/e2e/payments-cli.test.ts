import { afterAll, describe, expect, it } from 'vitest';
import { ocpi, serve, stopAllServed } from '../support/cli.ts';
import { startNode } from '../support/nodes.ts';
import { eventually } from '../support/pair.ts';
import { PTP_PARTY, terminal } from '../support/payments.ts';
import { memoryStore } from '../support/stores.ts';

afterAll(stopAllServed);

describe('payment terminals from the command line', () => {
  it('ocpi serve --role ptp registers with a CPO; ocpi terminals lists and assigns at the CPO', async () => {
    const [cpo, ptpServed] = await Promise.all([
      serve(['--role', 'cpo', '--party', 'NL*CPO', '--versions', '2.3.0']),
      serve(['--role', 'ptp', '--party', 'BE*PTQ', '--versions', '2.3.0']),
    ]);
    const cpoAdmin = ['--node', cpo.adminUrl, '--admin-token', cpo.adminToken];
    // A PTP as a CLI process: it registers, and the CPO sees its PTP party.
    await ocpi(
      'register',
      '--node',
      ptpServed.adminUrl,
      '--admin-token',
      ptpServed.adminToken,
      cpo.versionsUrl,
      cpo.bootstrapToken,
    );
    expect(await ocpi('partners', ...cpoAdmin)).toMatch(/BE\*PTQ PTP/);

    // A PTP in this process posts a terminal to the CLI CPO.
    const ptp = await startNode({ versions: ['2.3.0'], parties: [PTP_PARTY], store: memoryStore() });
    try {
      const { token: tokenA } = JSON.parse(await ocpi('registration-token', ...cpoAdmin, '--json')) as {
        token: string;
      };
      await ptp.ocpi.registerWith(cpo.versionsUrl, tokenA);
      await ptp.ocpi.payments.terminals.put(terminal('CLI-TERM'));
      const listed = await eventually(async () => {
        const out = await ocpi('terminals', ...cpoAdmin);
        return out.includes('CLI-TERM') ? out : undefined;
      });
      expect(listed).toMatch(/CLI-TERM\s+CPO\s+\S+\s+not assigned/);
      const assigned = await ocpi(
        'terminals',
        'assign',
        'CLI-TERM',
        '--location',
        'LOC-1',
        '--evse',
        'E-1',
        ...cpoAdmin,
      );
      expect(assigned).toMatch(/assigned CLI-TERM.*location LOC-1, evse E-1/);
      const atPtp = await eventually(async () =>
        (await ptp.ocpi.payments.terminals.list()).find((t) => t.terminal.evse_uids?.includes('E-1')),
      );
      expect(atPtp.terminal.location_ids).toEqual(['LOC-1']);
    } finally {
      await ptp.close();
    }
  });
});
