import { createOcpiApp, type OcpiAppOptions } from '../src/index.ts';

/** A CPO and an eMSP node registered over 2.2.1, and the tokens each uses to call the other. */
export async function benchPair(cpoOptions: OcpiAppOptions = {}) {
  const cpo = await createOcpiApp({ versions: ['2.2.1'], ...cpoOptions });
  await cpo.listen({ port: 0, host: '127.0.0.1' });
  const emsp = await createOcpiApp({
    parties: [{ countryCode: 'DE', partyId: 'MSP', role: 'EMSP', businessDetails: { name: 'bench' } }],
  });
  await emsp.listen({ port: 0, host: '127.0.0.1' });
  const partner = await emsp.ocpi.registerWith(
    cpo.ocpi.versionsUrl(),
    await cpo.ocpi.createRegistrationToken(),
  );
  const [emspAtCpo] = await cpo.ocpi.partners();
  const tokenOf = async (app: typeof cpo, id: string) =>
    (
      await app.ocpi.store.db
        .selectFrom('ocpi_partners')
        .select('outbound_token')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).outbound_token;
  const auth = (token: string) => ({ authorization: `Token ${Buffer.from(token).toString('base64')}` });
  return {
    cpo,
    emsp,
    cpoAtEmsp: partner.id,
    emspAtCpo: (emspAtCpo as { id: string }).id,
    emspCallsCpo: auth(await tokenOf(emsp, partner.id)),
    cpoCallsEmsp: auth(await tokenOf(cpo, (emspAtCpo as { id: string }).id)),
    close: () => Promise.all([cpo.close(), emsp.close()]),
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
