import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { OpenApiDocument } from '../../src/openapi/types.ts';

/** Every `$ref` in a document. */
export function refsIn(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === '$ref' && typeof v === 'string' ? [v] : refsIn(v),
  );
}

/** What a local `#/...` JSON pointer points at in the document, or undefined. */
export function resolvePointer(doc: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let at: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof at !== 'object' || at === null || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

/** Validators for the schemas of a document, by JSON pointer, compiled by Ajv in strict 2020-12 mode. */
export interface DocumentValidator {
  compile(pointer: string): ValidateFunction;
}

/**
 * Ajv (a JSON Schema validator independent of TypeBox) over the document as it is: its
 * `$ref`s resolve inside it. Strict mode refuses any keyword JSON Schema does not define,
 * apart from the document's own `x-` annotations.
 */
export function documentValidator(doc: OpenApiDocument): DocumentValidator {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  // Annotations only: they document, they do not validate.
  for (const keyword of ['x-ocpi-type', 'x-extensible-enum']) ajv.addKeyword(keyword);
  // The document's containers of schemas, so that `#/components/...` and `#/paths/...` resolve.
  for (const keyword of ['components', 'paths']) ajv.addKeyword(keyword);
  ajv.addSchema({ $id: 'ocpi', components: doc.components, paths: doc.paths });
  const compiled = new Map<string, ValidateFunction>();
  return {
    compile(pointer) {
      let validate = compiled.get(pointer);
      if (!validate) {
        validate = ajv.compile({ $ref: `ocpi${pointer}` });
        compiled.set(pointer, validate);
      }
      return validate;
    },
  };
}
