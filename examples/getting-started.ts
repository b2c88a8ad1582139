import { pathToFileURL } from 'node:url';
import { createOcpiApp, type JsonObject } from 'ocpi-toolkit';
import { LOCATION } from './demo-site.ts';

/*
 * A CPO and an eMSP in one process, each a node of its own on 127.0.0.1, with its data in
 * memory: the eMSP registers with the CPO, and receives the Location the CPO publishes.
 * Run it with `npx tsx examples/getting-started.ts`.
 */
export async function gettingStarted() {
  // #region nodes
  const cpo = await createOcpiApp({
    parties: [{ countryCode: 'NL', partyId: 'CPO', role: 'CPO', businessDetails: { name: 'Charge Co' } }],
  });
  const emsp = await createOcpiApp({
    parties: [{ countryCode: 'DE', partyId: 'MSP', role: 'EMSP', businessDetails: { name: 'Drive Co' } }],
  });
  await cpo.listen({ port: 0, host: '127.0.0.1' }); // port 0: any free port
  await emsp.listen({ port: 0, host: '127.0.0.1' });
  // #endregion nodes

  // #region register
  // The CPO gives a partner its versions URL and a token A, out of band (here: a variable).
  const tokenA = await cpo.ocpi.createRegistrationToken();
  // The eMSP runs the credentials handshake: both sides learn each other's endpoints and tokens.
  const cpoAtEmsp = await emsp.ocpi.registerWith(cpo.ocpi.versionsUrl(), tokenA);
  console.log(`the eMSP registered with the CPO over OCPI ${cpoAtEmsp.version}`);
  // #endregion register

  // #region publish
  const received = new Promise<JsonObject>((resolve) =>
    emsp.ocpi.events.on('received', (event: { module: string; object: JsonObject }) => {
      if (event.module === 'locations') resolve(event.object);
    }),
  );
  await cpo.ocpi.locations.put(LOCATION); // stored, and pushed to every partner that receives Locations
  const location = await received;
  const evses = Array.isArray(location.evses) ? location.evses.length : 0;
  console.log(`the eMSP received Location ${location.id} with ${evses} EVSEs`);
  // #endregion publish

  return {
    cpo,
    emsp,
    cpoAtEmsp,
    location,
    close: () => Promise.all([cpo.close(), emsp.close()]),
  };
}

// Run as a program (not when a test imports it).
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { close } = await gettingStarted();
  await close();
}
