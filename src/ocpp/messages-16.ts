import { type Static, type TSchema, Type } from '@sinclair/typebox';
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

export const Authorize16 = Type.Object({ idTag: Type.String({ maxLength: 20 }) });
export type Authorize16 = Static<typeof Authorize16>;

export const StartTransaction16 = Type.Object({
  connectorId: Type.Integer({ minimum: 1 }),
  idTag: Type.String({ maxLength: 20 }),
  meterStart: Type.Integer(),
  reservationId: Type.Optional(Type.Integer()),
  timestamp: Type.String(),
});
export type StartTransaction16 = Static<typeof StartTransaction16>;

const SampledValue16 = Type.Object({
  value: Type.String(),
  context: Type.Optional(Type.String()),
  format: Type.Optional(Type.String()),
  /** Absent: Energy.Active.Import.Register. */
  measurand: Type.Optional(Type.String()),
  phase: Type.Optional(Type.String()),
  location: Type.Optional(Type.String()),
  /** Absent: Wh. */
  unit: Type.Optional(Type.String()),
});
export type SampledValue16 = Static<typeof SampledValue16>;

const MeterValue16 = Type.Object({
  timestamp: Type.String(),
  sampledValue: Type.Array(SampledValue16),
});
export type MeterValue16 = Static<typeof MeterValue16>;

export const MeterValues16 = Type.Object({
  connectorId: Type.Integer({ minimum: 0 }),
  transactionId: Type.Optional(Type.Integer()),
  meterValue: Type.Array(MeterValue16),
});
export type MeterValues16 = Static<typeof MeterValues16>;

export const StopTransaction16 = Type.Object({
  idTag: Type.Optional(Type.String({ maxLength: 20 })),
  meterStop: Type.Integer(),
  timestamp: Type.String(),
  transactionId: Type.Integer(),
  reason: Type.Optional(Type.String()),
  transactionData: Type.Optional(Type.Array(MeterValue16)),
});
export type StopTransaction16 = Static<typeof StopTransaction16>;

/** OCPP 1.6 AuthorizationStatus (ConcurrentTx and Expired are not ours to give). */
export type AuthorizationStatus16 = 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx';

/** The payload as `schema` types it, or undefined when it is not of that shape. */
export function read<S extends TSchema>(schema: S, params: unknown): Static<S> | undefined {
  return Value.Check(schema, params) ? params : undefined;
}

/**
 * Actions OCPP 1.6 lets a charger send that this slice of the bridge does not take yet:
 * answered NotSupported ("recognized but not supported"), where an action OCPP does not
 * have is NotImplemented.
 */
export const NOT_YET_16 = [
  'DataTransfer',
  'DiagnosticsStatusNotification',
  'FirmwareStatusNotification',
] as const;
