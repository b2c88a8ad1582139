import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/*
 * The fields the bridge reads of OCPP 1.6 requests. ocpp-rpc's strict mode has checked the
 * whole payload against the OCPP 1.6 JSON schemas before a handler runs; these only give
 * the handlers types (and refuse what strict mode would, should it be off).
 */

export const StatusNotification16 = Type.Object({
  connectorId: Type.Integer({ minimum: 0 }),
  errorCode: Type.String(),
  status: Type.String(),
  info: Type.Optional(Type.String()),
  timestamp: Type.Optional(Type.String()),
});
export type StatusNotification16 = Static<typeof StatusNotification16>;

export const BootNotification16 = Type.Object({
  chargePointVendor: Type.String(),
  chargePointModel: Type.String(),
});
export type BootNotification16 = Static<typeof BootNotification16>;

/** The payload as `schema` types it, or undefined when it is not of that shape. */
export function read<S extends typeof StatusNotification16 | typeof BootNotification16>(
  schema: S,
  params: unknown,
): Static<S> | undefined {
  return Value.Check(schema, params) ? params : undefined;
}

/**
 * Actions OCPP 1.6 lets a charger send that this slice of the bridge does not take yet:
 * answered NotSupported ("recognized but not supported"), where an action OCPP does not
 * have is NotImplemented.
 */
export const NOT_YET_16 = [
  'Authorize',
  'DataTransfer',
  'DiagnosticsStatusNotification',
  'FirmwareStatusNotification',
  'MeterValues',
  'StartTransaction',
  'StopTransaction',
] as const;
