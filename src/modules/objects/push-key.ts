import type { ObjectRef } from './service.ts';

/**
 * The ordering key of the pushes of one object to a partner, e.g.
 * 'locations/NL/ACM/LOC1/': its changes are delivered in order.
 */
export function pushKey(module: string, ref: ObjectRef): string {
  return `${module}/${ref.countryCode}/${ref.partyId}/${ref.id}/${ref.subtype ?? ''}`;
}

/** The module and object of a push's ordering key. The id may hold '/', the other parts cannot. */
export function parsePushKey(key: string): { module: string; ref: ObjectRef } | undefined {
  const parts = key.split('/');
  if (parts.length < 5) return undefined;
  const [module, countryCode, partyId] = parts;
  const subtype = parts[parts.length - 1];
  const id = parts.slice(3, -1).join('/');
  if (!module || !countryCode || !partyId || !id) return undefined;
  return { module, ref: { countryCode, partyId, id, ...(subtype ? { subtype } : {}) } };
}
