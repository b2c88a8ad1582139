import { OcpiError } from '../../transport/errors.ts';
import { catalogs } from '../catalog.ts';
import { isJsonObject, type JsonObject } from '../json.ts';
import type { OcpiVersion } from '../versions.ts';
import type { Codec, CodecContext } from './types.ts';

/*
 * Building blocks of the version codecs. A codec is a chain of steps, each between two
 * adjacent versions (2.1.1 ↔ 2.2.1 ↔ 2.3.0): `up` reads the older shape into the newer one,
 * `down` writes the newer shape in the older one. Steps are declared as tables (renamed
 * fields, nested objects, enums to narrow) plus a little code for what no table can say.
 * What the newer shape cannot hold travels in an extension bag (`x_v211`, `x_v221`) on the
 * object it belongs to; see LOSSY.md.
 */

/** Extension bag of the 2.1.1 ↔ 2.2.1 step and of the 2.2.1 ↔ 2.3.0 step. */
export type ExtKey = 'x_v211' | 'x_v221';

/**
 * What a caller may add to the context when older partners need more than an owner:
 * 2.1.1 objects lack roles, token owners and embedded references that later versions have.
 */
export interface CodecContextExt extends CodecContext {
  /** Role of the 2.1.1 party whose Credentials or endpoints are read. */
  role?: 'CPO' | 'EMSP';
  /** Owner of the token of a 2.1.1 Session or CDR (becomes cdr_token.country_code/party_id). */
  emsp?: { countryCode: string; partyId: string };
  /** The canonical Token a 2.1.1 AuthorizationInfo answers for (2.2+ requires it). */
  token?: unknown;
  /** Canonical Location by id, embedded (reduced to one EVSE/connector) in a 2.1.1 Session or CDR. */
  findLocation?: (id: string) => unknown;
}

/** Thrown by `encode` when an object has nothing a partner of that version could use. */
export class NotRepresentableError extends OcpiError {
  constructor(
    readonly version: OcpiVersion,
    readonly objectName: string,
    reason: string,
  ) {
    super('OCPI_ERR_NOT_REPRESENTABLE', `${objectName} cannot be expressed in OCPI ${version}: ${reason}`);
    this.name = 'NotRepresentableError';
  }
}

/** The strings in a list field. */
function stringsIn(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The value if it is an object, else an empty one. */
export function asJson(value: unknown): JsonObject {
  return isJsonObject(value) ? value : {};
}

/** A copy without the properties whose value is undefined. */
export function compact(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out;
}

/** A copy with properties renamed (`from → to`); other properties are kept as they are. */
export function renameFields(value: JsonObject, names: Readonly<Record<string, string>>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) out[names[k] ?? k] = v;
  return out;
}

export function invert(names: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(names).map(([from, to]) => [to, from]));
}

/** A copy without the given properties. */
export function omit(value: JsonObject, keys: readonly string[]): JsonObject {
  const out = { ...value };
  for (const k of keys) delete out[k];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Extension bags

export function extOf(value: JsonObject, key: ExtKey): JsonObject {
  return asJson(value[key]);
}

/** A copy with `bag` merged into the extension bag (left out when it ends up empty). */
export function withExt(value: JsonObject, key: ExtKey, bag: JsonObject): JsonObject {
  const merged = compact({ ...extOf(value, key), ...bag });
  const out = { ...value };
  if (Object.keys(merged).length > 0) out[key] = merged;
  else delete out[key];
  return out;
}

/** Fills a field the newer version requires and the older one left out, and remembers that it did. */
export function derive(value: JsonObject, key: ExtKey, field: string, fill: unknown): JsonObject {
  if (value[field] !== undefined || fill === undefined) return value;
  const derived = [...stringsIn(extOf(value, key).derived), field];
  return withExt({ ...value, [field]: fill }, key, { derived });
}

/** Removes again the fields `derive` filled in, so that the older version gets what it sent. */
export function underive(value: JsonObject, key: ExtKey): JsonObject {
  const derived = extOf(value, key).derived;
  return Array.isArray(derived) ? omit(value, stringsIn(derived)) : value;
}

// ---------------------------------------------------------------------------------------------
// Enums

/** Values of an older version's enum that a newer one lacks, mapped to the closest older value. */
const FALLBACKS: Record<string, Record<string, string>> = {
  ConnectorType: { SAE_J3400: 'TESLA_S' },
  PowerType: { AC_2_PHASE: 'AC_1_PHASE', AC_2_PHASE_SPLIT: 'AC_1_PHASE' },
  SessionStatus: { RESERVATION: 'PENDING' },
  AuthMethod: { COMMAND: 'AUTH_REQUEST' },
};

/** The value used when nothing closer exists and the field cannot be left out. */
const DEFAULTS: Record<string, string> = { ImageCategory: 'OTHER', TokenType: 'OTHER' };

const enumCache = new Map<string, { values: Set<string>; open: boolean } | undefined>();

function enumOf(version: OcpiVersion, name: string): { values: Set<string>; open: boolean } | undefined {
  const id = `${version}/${name}`;
  if (!enumCache.has(id)) {
    const schema = catalogs[version].objects[name];
    const values: unknown = schema?.ocpiEnum;
    enumCache.set(
      id,
      Array.isArray(values)
        ? { values: new Set(stringsIn(values)), open: schema?.ocpiOpenEnum === true }
        : undefined,
    );
  }
  return enumCache.get(id);
}

export function knownIn(version: OcpiVersion, enumName: string, value: unknown): boolean {
  const e = enumOf(version, enumName);
  return typeof value === 'string' && (!e || e.open || e.values.has(value));
}

/** The value itself if the version knows it, else its fallback or the enum's default, else undefined. */
export function enumValue(version: OcpiVersion, enumName: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (knownIn(version, enumName, value)) return value;
  const fallback = FALLBACKS[enumName]?.[value];
  if (fallback && knownIn(version, enumName, fallback)) return fallback;
  const dflt = DEFAULTS[enumName];
  return dflt && knownIn(version, enumName, dflt) ? dflt : undefined;
}

// ---------------------------------------------------------------------------------------------
// Steps

export interface Step {
  up(value: JsonObject, ctx: CodecContextExt): JsonObject;
  /** Undefined: the object cannot be expressed (left out of its list, or NotRepresentableError). */
  down(value: JsonObject, ctx: CodecContextExt): JsonObject | undefined;
}

export interface StepSpec {
  /** Older name → newer name. */
  rename?: Readonly<Record<string, string>>;
  /** Fields (newer names) holding an object or a list of objects, with the step for them. */
  nested?: Readonly<Record<string, Step>>;
  /** Enum lists (newer names) narrowed to the older version's values on the way down. */
  lists?: Readonly<Record<string, string>>;
  /** Enum fields (newer names) mapped to the older version's values on the way down (unknown: removed). */
  values?: Readonly<Record<string, string>>;
  /** After renaming and nested steps; `older` is the value as it came. */
  up?(value: JsonObject, ctx: CodecContextExt, older: JsonObject): JsonObject;
  /** After nested steps and enums, before renaming back; `newer` is the value as it came. */
  down?(value: JsonObject, ctx: CodecContextExt, newer: JsonObject): JsonObject | undefined;
}

export const identityStep: Step = { up: (v) => v, down: (v) => v };

function applyNested(
  value: JsonObject,
  nested: Readonly<Record<string, Step>>,
  apply: (s: Step, v: JsonObject) => JsonObject | undefined,
): JsonObject {
  const out = { ...value };
  for (const [field, s] of Object.entries(nested)) {
    const v = out[field];
    if (Array.isArray(v)) {
      out[field] = v.flatMap((item) => {
        const r = isJsonObject(item) ? apply(s, item) : item;
        return r === undefined ? [] : [r];
      });
    } else if (isJsonObject(v)) {
      out[field] = apply(s, v);
    }
  }
  return out;
}

/** A step between `older` and the next version, from its table. */
export function step(older: OcpiVersion, spec: StepSpec): Step {
  const back = invert(spec.rename ?? {});
  return {
    up(value, ctx) {
      let out = spec.rename ? renameFields(value, spec.rename) : value;
      if (spec.nested) out = applyNested(out, spec.nested, (s, v) => s.up(v, ctx));
      return compact(spec.up ? spec.up(out, ctx, value) : out);
    },
    down(value, ctx) {
      let out: JsonObject | undefined = { ...value };
      if (spec.nested) out = applyNested(out, spec.nested, (s, v) => s.down(v, ctx));
      for (const [field, name] of Object.entries(spec.lists ?? {})) {
        const list = out[field];
        if (Array.isArray(list)) out[field] = list.filter((x) => knownIn(older, name, x));
      }
      for (const [field, name] of Object.entries(spec.values ?? {})) {
        if (out[field] !== undefined) out[field] = enumValue(older, name, out[field]);
      }
      if (spec.down) out = spec.down(out, ctx, value);
      return out && compact(spec.rename ? renameFields(out, back) : out);
    },
  };
}

/**
 * The codec of one object: `steps` from the version's own step up to the canonical one
 * (empty for an object whose shape equals the canonical shape all the way).
 */
export function codecOf(version: OcpiVersion, objectName: string, steps: readonly Step[]): Codec {
  return {
    decode(value, ctx) {
      let out = value;
      for (const s of steps) out = s.up(out, ctx);
      return out;
    },
    encode(value, ctx) {
      let out: JsonObject | undefined = value;
      for (let i = steps.length - 1; i >= 0 && out !== undefined; i--) out = steps[i]?.down(out, ctx);
      if (out === undefined)
        throw new NotRepresentableError(version, objectName, 'see src/model/codecs/LOSSY.md');
      return out;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Shared value conversions

/** Rounds away binary noise in money arithmetic (8 decimals). */
export function money(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}

/** A price including a tax percentage, as the price excluding it (6 decimals). */
export function withoutTax(price: number, percentage: number): number {
  return Math.round((price / (1 + percentage / 100)) * 1e6) / 1e6;
}

/** Truncates human-readable text to a shorter maximum length. */
export function truncate(value: unknown, max: number): unknown {
  return typeof value === 'string' && value.length > max ? value.slice(0, max) : value;
}

/** For `down`: the object is left out when a required field ended up without a value the version knows. */
export function requireField(field: string): (value: JsonObject) => JsonObject | undefined {
  return (value) => (value[field] === undefined ? undefined : value);
}

/** For `down`: the object is left out when a required list ended up empty (an EVSE without connectors, ...). */
export function requireItems(field: string): (value: JsonObject) => JsonObject | undefined {
  return (value) => {
    const list = value[field];
    return Array.isArray(list) && list.length > 0 ? value : undefined;
  };
}

/** For a CDR whose periods were all left out: one period built from its totals (`+` in every version). */
export function periodsFromTotals(cdr: JsonObject): JsonObject {
  if (Array.isArray(cdr.charging_periods) && cdr.charging_periods.length > 0) return cdr;
  const dimensions = [
    { type: 'ENERGY', volume: cdr.total_energy },
    { type: 'TIME', volume: cdr.total_time },
  ];
  return { ...cdr, charging_periods: [{ start_date_time: cdr.start_date_time, dimensions }] };
}

/** The CDR connector standard: the connector type itself, its fallback, or the common plug of its power type. */
export function cdrConnectorStandard(version: OcpiVersion, standard: unknown, powerType: unknown): string {
  const known = enumValue(version, 'ConnectorType', standard);
  if (known) return known;
  return powerType === 'DC' ? 'IEC_62196_T2_COMBO' : 'IEC_62196_T2';
}

/**
 * Tariff elements the older version can express; when none is left, all of them with the
 * restrictions it cannot express stripped (a Tariff needs one element).
 */
export function tariffElements(tariff: JsonObject, newer: JsonObject): JsonObject {
  const kept = tariff.elements;
  if (Array.isArray(kept) && kept.length > 0) return tariff;
  return { ...tariff, elements: newer.elements };
}

/** A TariffElement step that drops the element when its restrictions use a field the older version lacks. */
export function tariffElementStep(older: OcpiVersion, unsupported: readonly string[]): Step {
  return step(older, {
    down: (element) => {
      const r = asJson(element.restrictions);
      return unsupported.some((f) => r[f] !== undefined) ? undefined : element;
    },
  });
}
