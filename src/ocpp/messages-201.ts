import { type Static, Type } from '@sinclair/typebox';

/*
 * The fields the bridge reads of OCPP 2.0.1 requests. ocpp-rpc's strict mode has checked
 * the whole payload against the OCPP 2.0.1 JSON schemas before a handler runs; these only
 * give the handlers types (read() them as with 1.6, messages-16.ts).
 */

export const IdToken201 = Type.Object({
  idToken: Type.String({ maxLength: 36 }),
  type: Type.String(),
});
export type IdToken201 = Static<typeof IdToken201>;

export const BootNotification201 = Type.Object({
  reason: Type.String(),
  chargingStation: Type.Object({ model: Type.String(), vendorName: Type.String() }),
});

export const StatusNotification201 = Type.Object({
  timestamp: Type.String(),
  connectorStatus: Type.String(),
  evseId: Type.Integer({ minimum: 0 }),
  connectorId: Type.Integer({ minimum: 0 }),
});
export type StatusNotification201 = Static<typeof StatusNotification201>;

export const Authorize201 = Type.Object({ idToken: IdToken201 });

const SampledValue201 = Type.Object({
  value: Type.Number(),
  context: Type.Optional(Type.String()),
  /** Absent: Energy.Active.Import.Register. */
  measurand: Type.Optional(Type.String()),
  phase: Type.Optional(Type.String()),
  location: Type.Optional(Type.String()),
  /** Absent: Wh, multiplier 0. */
  unitOfMeasure: Type.Optional(
    Type.Object({ unit: Type.Optional(Type.String()), multiplier: Type.Optional(Type.Integer()) }),
  ),
});
export type SampledValue201 = Static<typeof SampledValue201>;

export const MeterValue201 = Type.Object({
  timestamp: Type.String(),
  sampledValue: Type.Array(SampledValue201),
});
export type MeterValue201 = Static<typeof MeterValue201>;

export const TransactionEvent201 = Type.Object({
  eventType: Type.Union([Type.Literal('Started'), Type.Literal('Updated'), Type.Literal('Ended')]),
  timestamp: Type.String(),
  triggerReason: Type.String(),
  seqNo: Type.Integer({ minimum: 0 }),
  transactionInfo: Type.Object({
    transactionId: Type.String({ maxLength: 36 }),
    chargingState: Type.Optional(Type.String()),
    stoppedReason: Type.Optional(Type.String()),
    remoteStartId: Type.Optional(Type.Integer()),
  }),
  meterValue: Type.Optional(Type.Array(MeterValue201)),
  evse: Type.Optional(Type.Object({ id: Type.Integer(), connectorId: Type.Optional(Type.Integer()) })),
  idToken: Type.Optional(IdToken201),
  reservationId: Type.Optional(Type.Integer()),
});
export type TransactionEvent201 = Static<typeof TransactionEvent201>;

/** OCPP 2.0.1 AuthorizationStatusEnumType, of which the bridge gives the 1.6 ones. */
export type AuthorizationStatus201 =
  | 'Accepted'
  | 'Blocked'
  | 'ConcurrentTx'
  | 'Expired'
  | 'Invalid'
  | 'NoCredit'
  | 'NotAllowedTypeEVSE'
  | 'NotAtThisLocation'
  | 'NotAtThisTime'
  | 'Unknown';

const ENERGY = 'Energy.Active.Import.Register';

/**
 * The energy register of a 2.0.1 meter value, in Wh, if it has one: the sample without
 * phase first; the value is a number, times 10^multiplier of its unit (Wh or kWh).
 */
export function energyWh201(value: MeterValue201): number | undefined {
  const energy = (s: SampledValue201) => (s.measurand ?? ENERGY) === ENERGY;
  const sample =
    value.sampledValue.find((s) => energy(s) && s.phase === undefined) ?? value.sampledValue.find(energy);
  if (!sample || !Number.isFinite(sample.value)) return undefined;
  const unit = sample.unitOfMeasure?.unit ?? 'Wh';
  if (unit !== 'Wh' && unit !== 'kWh') return undefined;
  const scaled = sample.value * 10 ** (sample.unitOfMeasure?.multiplier ?? 0);
  return unit === 'kWh' ? scaled * 1000 : scaled;
}

/** The last energy register reading of a list of meter values, Wh. */
export function lastEnergyWh201(values: readonly MeterValue201[] | undefined): number | undefined {
  let wh: number | undefined;
  for (const value of values ?? []) wh = energyWh201(value) ?? wh;
  return wh;
}

/**
 * Actions OCPP 2.0.1 lets a charger send that the bridge does not take (yet): answered
 * NotSupported; an action OCPP 2.0.1 does not have is NotImplemented.
 */
export const NOT_YET_201 = [
  'ClearedChargingLimit',
  'DataTransfer',
  'FirmwareStatusNotification',
  'Get15118EVCertificate',
  'GetCertificateStatus',
  'LogStatusNotification',
  'NotifyChargingLimit',
  'NotifyCustomerInformation',
  'NotifyDisplayMessages',
  'NotifyEVChargingNeeds',
  'NotifyEVChargingSchedule',
  'NotifyEvent',
  'NotifyMonitoringReport',
  'NotifyReport',
  'PublishFirmwareStatusNotification',
  'ReportChargingProfiles',
  'ReservationStatusUpdate',
  'SecurityEventNotification',
  'SignCertificate',
] as const;
