export { createOcpiApp, type OcpiApi, type OcpiAppOptions, ocpiPlugin } from './app.ts';
export type { OcpiHttpOptions } from './client/ocpi-http.ts';
export type { OutboundUrlPolicy } from './client/url-guard.ts';
export { type Clock, type ClockTimer, systemClock } from './clock.ts';
export type { JsonObject, JsonValue } from './model/json.ts';
export { parseObject, renderObject } from './model/objects.ts';
/** The TypeBox schemas of every OCPI object, per version; each is also its TypeScript type (2.3.0 is the canonical shape). */
export * as v211 from './model/v211/index.ts';
export * as v221 from './model/v221/index.ts';
export * as v230 from './model/v230/index.ts';
export type { ValidationIssue } from './model/validate.ts';
export { type OcpiVersion, SUPPORTED_VERSIONS } from './model/versions.ts';
export type {
  CommandContext,
  CommandDecider,
  CommandDecision,
  IncomingCommand,
} from './modules/commands/decide.ts';
export type {
  CommandOutcomeInfo,
  CommandResponseInfo,
  SentCommand,
} from './modules/commands/emsp-commands.ts';
export type {
  ChargerCommand,
  ChargerGateway,
  ChargerOutcome,
  ChargerSessionEvent,
  GatewayReporter,
} from './modules/commands/gateway.ts';
export type { CommandName } from './modules/commands/names.ts';
export type { ResponseUrlPolicy } from './modules/commands/response-url.ts';
export type { CommandRequests } from './modules/commands/schema.ts';
export {
  type SimulatedBehaviour,
  SimulatedGateway,
  type SimulatedGatewayOptions,
} from './modules/commands/simulated-gateway.ts';
export type { CommandRequest, TypedCommands } from './modules/commands/typed-client.ts';
export type { CanonicalObjects, ObjectModuleId } from './modules/objects/canonical.ts';
export type { PullOptions, PullProgress } from './modules/objects/client.ts';
export type {
  CanonicalObject,
  ObjectRef,
  ObjectService,
  ObjectServices,
  OwnListQuery,
  OwnPage,
} from './modules/objects/service.ts';
export type { AuthorizationDecision, TokenAuthorizer } from './modules/tokens/service.ts';
export { type OpenApiOptions, openApiDocument } from './openapi/document.ts';
export type {
  JsonSchema,
  OpenApiDocument,
  OpenApiOperation,
  OpenApiParameter,
  OpenApiPathItem,
} from './openapi/types.ts';
export type { UnregisterResult } from './partners/handshake-client.ts';
export type { HubClient, HubClientChange, HubClientStatus } from './partners/hubs.ts';
export type { RegistrationTokenOptions } from './partners/registry.ts';
export type {
  BusinessDetails,
  OwnParty,
  OwnRole,
  Partner,
  PartnerEndpoint,
  PartnerParty,
} from './partners/types.ts';
export type { Store, StoreOptions } from './store/store.ts';
/**
 * Errors: everything the toolkit throws is an `OcpiError` (`err instanceof OcpiError`) with a
 * stable `code` from `OCPI_ERROR_CODES` (branch on `err.code`), the OCPI status and the HTTP
 * status a request that meets it is answered with.
 */
export { OCPI_ERROR_CODES, type OcpiErrorCode, type OcpiErrorCodeInfo } from './transport/error-codes.ts';
export { OcpiError, type OcpiErrorOptions } from './transport/errors.ts';
export { OcpiStatus } from './transport/status-codes.ts';
