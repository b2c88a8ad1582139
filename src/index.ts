export { createOcpiApp, type OcpiApi, type OcpiAppOptions, ocpiPlugin } from './app.ts';
export type { OcpiHttpOptions } from './client/ocpi-http.ts';
export type { OutboundUrlPolicy } from './client/url-guard.ts';
export { type OcpiVersion, SUPPORTED_VERSIONS } from './model/versions.ts';
export type { UnregisterResult } from './partners/handshake-client.ts';
export type {
  BusinessDetails,
  OwnParty,
  OwnRole,
  Partner,
  PartnerEndpoint,
  PartnerParty,
} from './partners/types.ts';
export type { Store, StoreOptions } from './store/store.ts';
export { OcpiError } from './transport/errors.ts';
export { OcpiStatus } from './transport/status-codes.ts';
