import type { FastifyInstance } from 'fastify';
import type { OcpiAppOptions, v230 } from '../../src/index.ts';
import { SimulatedGateway } from '../../src/modules/commands/simulated-gateway.ts';
import type { StoreOptions } from '../../src/store/store.ts';
import { startNode } from './nodes.ts';
import { CPO_PARTY } from './pair.ts';
import { exampleJson } from './spec-fixtures.ts';

export const PTP_PARTY = {
  countryCode: 'BE',
  partyId: 'PTP',
  role: 'PTP' as const,
  businessDetails: { name: 'Pay Co' },
};

const json = (file: string) => exampleJson('2.3.0', file) as Record<string, unknown>;

/** The CPO's Location with the payment terminal's EVSEs. */
export const PAY_LOCATION = 'PAY-LOC';

/** An AD_HOC_USER token of a PTP's own party: what its START_SESSION names. */
export function adHocToken(party = PTP_PARTY, uid = 'ADHOC-1'): v230.tokens.Token {
  return {
    country_code: party.countryCode,
    party_id: party.partyId,
    uid,
    type: 'AD_HOC_USER',
    contract_id: `${party.countryCode}-${party.partyId}-${uid}`,
    issuer: party.businessDetails.name,
    valid: true,
    whitelist: 'NEVER',
    last_updated: '2024-01-01T00:00:00Z',
  };
}

/** A terminal of the PTP, as it would POST it. */
export function terminal(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    terminal_id: id,
    customer_reference: 'ChargeCo',
    invoice_base_url: 'https://ptp.example/invoices',
    invoice_creator: 'CPO',
    last_updated: '2024-01-01T00:00:00Z',
    ...extra,
  };
}

/** A FAC of a successful capture. */
export function fac(id: string, authorizationReference: string): Record<string, unknown> {
  return {
    id,
    authorization_reference: authorizationReference,
    total_costs: { before_taxes: 4, taxes: [{ name: 'VAT', amount: 0.4 }] },
    currency: 'EUR',
    eft_data: ['Mastercard', 'Nr: **** 1234'],
    capture_status_code: 'SUCCESS',
    last_updated: '2024-01-01T01:00:00Z',
  };
}

export interface PaymentsPair {
  cpo: FastifyInstance;
  ptp: FastifyInstance;
  /** The CPO as the PTP knows it, and the other way round. */
  cpoAtPtp: string;
  ptpAtCpo: string;
  sim: SimulatedGateway;
  close(): Promise<void>;
}

/**
 * A CPO node with simulated chargers, a Location and a Tariff, and a PTP node registered with
 * it over 2.3.0 (the credentials handshake, real servers).
 */
export async function startPaymentsPair(
  store: () => StoreOptions,
  options: {
    cpo?: OcpiAppOptions;
    ptp?: OcpiAppOptions;
    /** Called once the PTP listens, before it registers (e.g. to point a gate at it). */
    ptpStarted?: (ptp: FastifyInstance) => void;
  } = {},
): Promise<PaymentsPair> {
  const fast = { backoff: { initialMs: 50, maxMs: 200, jitter: 0 }, pollIntervalMs: 50 };
  const sim = new SimulatedGateway({ tickMs: 100 });
  const cpo = await startNode({
    versions: ['2.3.0'],
    parties: [CPO_PARTY],
    delivery: fast,
    store: store(),
    commands: { gateway: sim },
    ...options.cpo,
  });
  const ptp = await startNode({
    versions: ['2.3.0'],
    parties: [PTP_PARTY],
    delivery: fast,
    store: store(),
    ...options.ptp,
  });
  options.ptpStarted?.(ptp);
  const partner = await ptp.ocpi.registerWith(
    cpo.ocpi.versionsUrl(),
    await cpo.ocpi.createRegistrationToken(),
  );
  const [ptpAtCpo] = await cpo.ocpi.partners();
  await cpo.ocpi.tariffs.put(
    { ...json('tariff_1_simple_2hour.json'), country_code: 'NL', party_id: 'CPO', id: 'T-PAY' },
    '2.3.0',
  );
  const location = json('location_example.json');
  const base = (location.evses as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
  const evse = (uid: string) => ({
    ...base,
    uid,
    evse_id: `NL*CPO*E${uid}`,
    capabilities: ['REMOTE_START_STOP_CAPABLE'],
    connectors: (base.connectors as Array<Record<string, unknown>>).map((c) => ({
      ...c,
      tariff_ids: ['T-PAY'],
    })),
  });
  await cpo.ocpi.locations.put(
    {
      ...location,
      country_code: 'NL',
      party_id: 'CPO',
      id: PAY_LOCATION,
      evses: [evse('PAY1'), evse('PAY2')],
    },
    '2.3.0',
  );
  return {
    cpo,
    ptp,
    cpoAtPtp: partner.id,
    ptpAtCpo: (ptpAtCpo as { id: string }).id,
    sim,
    close: async () => {
      sim.close();
      await Promise.all([cpo.close(), ptp.close()]);
    },
  };
}
