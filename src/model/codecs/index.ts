import type { OcpiVersion } from '../versions.ts';
import type { Codec } from './types.ts';

/**
 * Codecs per version and object name. An object without a codec has the same shape in
 * that version as in the canonical model.
 */
export const codecs: Record<OcpiVersion, Record<string, Codec>> = {
  '2.1.1': {},
  '2.2.1': {},
  '2.3.0': {},
};
