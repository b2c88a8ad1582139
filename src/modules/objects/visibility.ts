import { type CodecContextExt, NotRepresentableError } from '../../model/codecs/index.ts';
import { renderObject } from '../../model/objects.ts';
import type { OcpiVersion } from '../../model/versions.ts';
import type { CanonicalObject } from './service.ts';

/**
 * Whether a partner speaking `version` may see an object. 2.1.1 has no `publish` flag, so
 * a 2.1.1 partner would show an unpublished Location to everyone: it never gets one.
 */
export function visibleIn(version: OcpiVersion, objectName: string, object: CanonicalObject): boolean {
  return !(version === '2.1.1' && objectName === 'Location' && object.publish === false);
}

/**
 * Renders an object for a partner, or undefined when that version cannot express it
 * (e.g. an EVSE whose only plug an older version cannot name) or must not see it.
 * `extra` is what the codec may need beyond the object (see ObjectModuleSpec.renderContext).
 */
export function renderFor(
  version: OcpiVersion,
  objectName: string,
  object: CanonicalObject,
  root: CanonicalObject = object,
  shape?: 'patch',
  extra: CodecContextExt = {},
): CanonicalObject | undefined {
  if (!visibleIn(version, objectName, root)) return undefined;
  const context = {
    ...extra,
    countryCode: String(root.country_code ?? ''),
    partyId: String(root.party_id ?? ''),
  };
  try {
    return renderObject(version, objectName, object, { context, ...(shape ? { shape } : {}) });
  } catch (err) {
    if (err instanceof NotRepresentableError) return undefined;
    throw err;
  }
}
