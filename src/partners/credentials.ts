import { type Static, Type } from '@sinclair/typebox';
import { isJsonObject } from '../model/json.ts';
import { withoutNulls } from '../model/objects.ts';
import { CiString, NonEmpty, Obj, Opt, Str, Url } from '../model/primitives.ts';
import { compileValidator, parseBody } from '../model/validate.ts';
import type { PartnerParty } from './types.ts';

const BusinessDetailsIn = Obj({ name: Str(100), website: Opt(Url()), logo: Opt(Type.Unknown()) });

const RoleIn = Obj({
  role: Type.String({ minLength: 1, maxLength: 10 }),
  business_details: BusinessDetailsIn,
  party_id: CiString(3, { minLength: 1 }),
  country_code: CiString(2, { minLength: 2 }),
});

const Token = Str(64, { minLength: 1, pattern: '^[\\x21-\\x7e]+$' });

const CredentialsWithRoles = Obj({
  token: Token,
  url: Url(),
  roles: NonEmpty(RoleIn),
  hub_party_id: Opt(CiString(5)),
});
const FlatCredentials = Obj({
  token: Token,
  url: Url(),
  business_details: BusinessDetailsIn,
  party_id: CiString(3, { minLength: 1 }),
  country_code: CiString(2, { minLength: 2 }),
});

const withRoles = compileValidator(CredentialsWithRoles);
const flat = compileValidator(FlatCredentials);

/** Partner credentials, whatever shape they came in. */
export interface PartnerCredentials {
  token: string;
  url: string;
  parties: PartnerParty[];
  hubPartyId?: string;
}

type BusinessDetailsIn = Static<typeof BusinessDetailsIn>;

type Logo = NonNullable<PartnerParty['businessDetails']['logo']>;

/** A partner's logo, read leniently: kept when it has what an Image must, with its other fields when well typed. */
function readLogo(value: unknown): Logo | undefined {
  if (!isJsonObject(value)) return undefined;
  const { url, thumbnail, category, type, width, height } = value;
  if (typeof url !== 'string' || typeof category !== 'string' || typeof type !== 'string') return undefined;
  return {
    url,
    category,
    type,
    ...(typeof thumbnail === 'string' ? { thumbnail } : {}),
    ...(typeof width === 'number' ? { width } : {}),
    ...(typeof height === 'number' ? { height } : {}),
  };
}

function businessDetails(b: BusinessDetailsIn): PartnerParty['businessDetails'] {
  const logo = readLogo(b.logo);
  return {
    name: b.name,
    ...(b.website ? { website: b.website } : {}),
    ...(logo ? { logo } : {}),
  };
}

/**
 * Reads Credentials in either shape: the 2.1.1 flat form or the 2.2+ `roles` list
 * (partners mix them up, so both are read whatever the version). The flat form carries
 * no role; `flatRole` supplies it. An optional field sent as null (`website`, `logo`,
 * `hub_party_id`...) is absent, as the spec reads it.
 */
export function parseCredentials(json: unknown, flatRole: string): PartnerCredentials {
  const body = withoutNulls(json);
  const hasRoles = typeof body === 'object' && body !== null && 'roles' in body;
  if (hasRoles) {
    const c = parseBody(withRoles, body, 'credentials');
    return {
      token: c.token,
      url: c.url,
      parties: c.roles.map((r) => ({
        role: r.role.toUpperCase(),
        countryCode: r.country_code.toUpperCase(),
        partyId: r.party_id.toUpperCase(),
        businessDetails: businessDetails(r.business_details),
      })),
      ...(c.hub_party_id ? { hubPartyId: c.hub_party_id.toUpperCase() } : {}),
    };
  }
  const c = parseBody(flat, body, 'credentials');
  return {
    token: c.token,
    url: c.url,
    parties: [
      {
        role: flatRole,
        countryCode: c.country_code.toUpperCase(),
        partyId: c.party_id.toUpperCase(),
        businessDetails: businessDetails(c.business_details),
      },
    ],
  };
}
