import { catalogs } from '../catalog.ts';
import type { OcpiVersion } from '../versions.ts';
import { codecOf, identityStep, type Step } from './helpers.ts';
import type { Codec } from './types.ts';
import { steps211 } from './v211.ts';
import { steps221 } from './v221.ts';

export { type CodecContextExt, NotRepresentableError } from './helpers.ts';
export { commandResultFromV211, commandResultToV211 } from './v211.ts';

/**
 * A version's codecs: for each of its objects that some step between it and the canonical
 * version changes, the chain of those steps (oldest first).
 */
function registry(version: OcpiVersion, levels: readonly Record<string, Step>[]): Record<string, Codec> {
  const out: Record<string, Codec> = {};
  for (const name of Object.keys(catalogs[version].objects)) {
    if (!levels.some((level) => level[name])) continue;
    out[name] = codecOf(
      version,
      name,
      levels.map((level) => level[name] ?? identityStep),
    );
  }
  return out;
}

/**
 * Codecs per version and object name. An object without a codec has the same shape in
 * that version as in the canonical model.
 */
export const codecs: Record<OcpiVersion, Record<string, Codec>> = {
  '2.1.1': registry('2.1.1', [steps211, steps221]),
  '2.2.1': registry('2.2.1', [steps221]),
  '2.3.0': {},
};
