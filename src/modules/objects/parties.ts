import type { Partner } from '../../partners/types.ts';
import { OcpiError } from '../../transport/errors.ts';

/**
 * A partner writes only under the parties it registered: the country_code/party_id of
 * the URL must be one of them.
 */
export function assertPartnerParty(partner: Partner, countryCode: string, partyId: string): void {
  const cc = countryCode.toUpperCase();
  const pid = partyId.toUpperCase();
  if (!partner.parties.some((p) => p.countryCode.toUpperCase() === cc && p.partyId.toUpperCase() === pid)) {
    throw OcpiError.invalid(
      `${cc}*${pid} is not a party this platform registered; objects may only be written under its own parties`,
    );
  }
}

/** The object's own fields must agree with the URL it was sent to. */
export function assertSameIdentity(object: Record<string, unknown>, fields: Record<string, string>): void {
  for (const [field, expected] of Object.entries(fields)) {
    const actual = object[field];
    if (actual === undefined) continue;
    if (String(actual).toUpperCase() !== expected.toUpperCase()) {
      throw OcpiError.invalid(
        `${field}: ${JSON.stringify(actual)} in the body differs from ${JSON.stringify(expected)} in the URL`,
      );
    }
  }
}
