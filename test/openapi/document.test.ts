import { beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument, SUPPORTED_VERSIONS } from '../../src/index.ts';
import { catalogs } from '../../src/model/catalog.ts';
import type { OpenApiDocument } from '../../src/openapi/types.ts';
import { documentValidator, refsIn, resolvePointer } from './support.ts';

/*
 * The document of each version is well-formed OpenAPI 3.1: every `$ref` resolves, every
 * schema in it compiles as strict JSON Schema 2020-12, every catalog schema is a component,
 * every path parameter is declared, every answer is the OCPI envelope. Its paths are the
 * routes a node registers, with the schemas they declare.
 */

const METHODS = ['get', 'put', 'post', 'patch', 'delete'] as const;

function operations(doc: OpenApiDocument) {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item[method];
      return op ? [{ path, method, op }] : [];
    }),
  );
}

describe.each(SUPPORTED_VERSIONS)('OpenAPI document of OCPI %s', (version) => {
  let doc: OpenApiDocument;
  beforeAll(async () => {
    doc = await openApiDocument(version);
  });

  it('is plain JSON and says what it is', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: `OCPI ${version}`, version });
    expect(doc.servers).toEqual([{ url: '/ocpi', description: expect.any(String) }]);
  });

  it('resolves every $ref', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(100);
    const dangling = refs.filter((ref) => resolvePointer(doc, ref) === undefined);
    expect(dangling).toEqual([]);
  });

  it('has every object, class and enum of the catalog, each PATCH shape and the envelope as components', () => {
    const catalog = catalogs[version];
    const expected = [
      ...Object.keys(catalog.objects),
      ...Object.keys(catalog.patches).map((name) => `${name}Patch`),
      'OcpiResponse',
    ];
    expect(Object.keys(doc.components.schemas).sort()).toEqual(expected.sort());
    for (const name of [
      'Location',
      'EVSE',
      'Connector',
      'Tariff',
      'Token',
      'Session',
      'CDR',
      'CommandResponse',
    ])
      expect(doc.components.schemas[name], name).toMatchObject({
        type: 'object',
        properties: expect.any(Object),
      });
  });

  it('refers to shared schemas instead of copying them', () => {
    const evse = doc.components.schemas.EVSE as { properties: Record<string, unknown> };
    expect(evse.properties.status).toEqual({ $ref: '#/components/schemas/Status' });
    expect(evse.properties.connectors).toMatchObject({ items: { $ref: '#/components/schemas/Connector' } });
    expect(doc.components.schemas.Status).toMatchObject({
      type: 'string',
      enum: expect.arrayContaining(['AVAILABLE']),
    });
  });

  it('compiles every schema of the document as strict JSON Schema 2020-12 (no TypeBox keywords left)', () => {
    const validator = documentValidator(doc);
    const schemaPointers = [
      ...Object.keys(doc.components.schemas).map((name) => `#/components/schemas/${name}`),
      ...schemaPointersIn(doc, 'schema'),
    ];
    for (const pointer of schemaPointers) expect(() => validator.compile(pointer), pointer).not.toThrow();
    expect(JSON.stringify(doc)).not.toMatch(/"(ocpiType|ocpiEnum|ocpiOpenEnum|\$id|Kind)"/);
  });

  it('declares every path parameter, with unique operation ids and enveloped answers', () => {
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const { path, method, op } of operations(doc)) {
      const at = `${method} ${path}`;
      if (ids.has(op.operationId)) problems.push(`${at}: operationId ${op.operationId} twice`);
      ids.add(op.operationId);
      const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters ?? [])
        .filter((p) => 'in' in p && p.in === 'path')
        .map((p) => ('name' in p ? p.name : ''));
      if (JSON.stringify(inPath) !== JSON.stringify(declared))
        problems.push(`${at}: path parameters ${declared}`);
      for (const [status, response] of Object.entries(op.responses)) {
        const schema = response.content?.['application/json']?.schema;
        if (!JSON.stringify(schema).includes('"#/components/schemas/OcpiResponse"'))
          problems.push(`${at} ${status}: not the envelope`);
      }
      if (!op.responses.default || !(op.responses['200'] || op.responses['201']))
        problems.push(`${at}: responses ${Object.keys(op.responses)}`);
    }
    expect(problems).toEqual([]);
  });

  it('requires Authorization: Token <token> as an API key header', () => {
    expect(doc.components.securitySchemes.ocpiToken).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
    });
    expect(doc.security).toEqual([{ ocpiToken: [] }]);
  });

  it('serves the module endpoints of the version with their schemas', () => {
    const receiverLocation =
      doc.paths[`/${version}/receiver/locations/{country_code}/{party_id}/{location_id}`];
    expect(receiverLocation?.put?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/Location',
    });
    expect(receiverLocation?.patch?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/LocationPatch',
    });
    const list = doc.paths[`/${version}/sender/locations`]?.get;
    expect(list?.responses['200']?.headers).toHaveProperty('X-Total-Count');
    expect(list?.responses['200']?.content?.['application/json']?.schema).toEqual({
      type: 'object',
      allOf: [
        { $ref: '#/components/schemas/OcpiResponse' },
        {
          type: 'object',
          properties: { data: { type: 'array', items: { $ref: '#/components/schemas/Location' } } },
        },
      ],
    });
    const start = doc.paths[`/${version}/receiver/commands/START_SESSION`]?.post;
    expect(start?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: '#/components/schemas/StartSession',
    });
    expect(doc.paths[`/${version}/receiver/cdrs`]?.post?.responses).toHaveProperty('201');
    expect(doc.paths[`/${version}/receiver/commands/CANCEL_RESERVATION`] !== undefined).toBe(
      version !== '2.1.1',
    );
    expect(doc.paths[`/${version}/sender/sessions/{session_id}/charging_preferences`] !== undefined).toBe(
      version !== '2.1.1',
    );
  });

  it('takes the public URL and base path of a node', async () => {
    const placed = await openApiDocument(version, {
      publicUrl: 'https://ocpi.example.com/',
      basePath: '/api/ocpi/',
    });
    expect(placed.servers[0]?.url).toBe('https://ocpi.example.com/api/ocpi');
  });
});

/** Pointers to every `schema` below paths and parameters (bodies, responses, parameters). */
function schemaPointersIn(doc: OpenApiDocument, key: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown, pointer: string) => {
    if (typeof value !== 'object' || value === null) return;
    for (const [k, v] of Object.entries(value)) {
      const next = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (k === key) found.push(next);
      else walk(v, next);
    }
  };
  walk(doc.paths, '#/paths');
  walk(doc.components.parameters, '#/components/parameters');
  return found;
}

it('refuses an unknown version', async () => {
  await expect(openApiDocument('2.0' as never)).rejects.toThrow(
    'unsupported OCPI version 2.0 (use 2.1.1, 2.2.1, 2.3.0)',
  );
});
