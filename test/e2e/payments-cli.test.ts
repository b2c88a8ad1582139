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
      // Columns: partner, terminal id, invoice creator, assignment.
      expect(listed).toMatch(/^PARTNER\s+TERMINAL\s+INVOICES\s+ASSIGNED TO$/m);
      expect(listed).toMatch(/\S+\s+CLI-TERM\s+CPO\s+not assigned/);
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
      expect(assigned).toMatch(/assigned CLI-TERM to location LOC-1, evse E-1/);
      // An unknown terminal: a non-zero exit and a message that says which and why.
      const unknown = await ocpi('terminals', 'assign', 'NO-SUCH', '--location', 'LOC-1', ...cpoAdmin).then(
        () => expect.fail('assigning an unknown terminal succeeded'),
        (err: { code: number; stderr: string }) => err,
      );
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(
        /^ocpi terminals: assign NO-SUCH: unknown Terminal NO-SUCH: no PTP partner posted/,
      );
      const noWhere = await ocpi('terminals', 'assign', 'CLI-TERM', ...cpoAdmin).then(
        () => expect.fail('an assignment to nothing succeeded'),
        (err: { code: number; stderr: string }) => err,
      );
      expect([noWhere.code, noWhere.stderr]).toEqual([
        1,
        'ocpi terminals: assign: give --location <id> and/or --evse <uid>\n',
      ]);
      const atPtp = await eventually(async () =>
        (await ptp.ocpi.payments.terminals.list()).find((t) => t.terminal.evse_uids?.includes('E-1')),
      );
      expect(atPtp.terminal.location_ids).toEqual(['LOC-1']);
    } finally {
      await ptp.close();
    }

    // A CPO in this process asks the CLI PTP to activate a terminal: the PTP's operator sees it.
    const ptpAdmin = ['--node', ptpServed.adminUrl, '--admin-token', ptpServed.adminToken];
    const cpoHere = await startNode({
      versions: ['2.3.0'],
      parties: [{ countryCode: 'FR', partyId: 'CP3', role: 'CPO', businessDetails: { name: 'CPO 3' } }],
      store: memoryStore(),
    });
    try {
      const { token } = JSON.parse(await ocpi('registration-token', ...ptpAdmin, '--json')) as {
        token: string;
      };
      const ptpAtCpo = await cpoHere.ocpi.registerWith(ptpServed.versionsUrl, token);
      await cpoHere.ocpi.payments.terminals.activate(ptpAtCpo.id, {
        reference: 'SERIAL-77',
        location_ids: ['LOC-9'],
      });
      const activations = await eventually(async () => {
        const out = await ocpi('terminals', 'activations', '--open', ...ptpAdmin);
        return out.includes('SERIAL-77') ? out : undefined;
      });
      expect(activations).toMatch(/^ID\s+PARTNER\s+REFERENCE\s+FOR\s+STATUS$/m);
      expect(activations).toMatch(/SERIAL-77\s+location LOC-9\s+open/);
    } finally {
      await cpoHere.close();
    }
  }, 90_000);
});
