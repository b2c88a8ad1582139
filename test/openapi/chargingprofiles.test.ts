import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../src/index.ts';

/* The eMSP/SCSP side of ChargingProfiles in the document: our response_url and the active-profile PUT. */
describe.each(['2.2.1', '2.3.0'] as const)(
  'OpenAPI document of ChargingProfiles, sender, OCPI %s',
  (version) => {
    it('documents the result POST (one of three result objects) and the ActiveChargingProfile PUT', async () => {
      const doc = await openApiDocument(version);
      const result = doc.paths[`/${version}/sender/chargingprofiles/results/{id}`]?.post;
      expect(result?.operationId).toBe('senderChargingProfileResult');
      expect(result?.requestBody?.content['application/json']?.schema).toEqual({
        anyOf: [
          { $ref: '#/components/schemas/ChargingProfileResult' },
          { $ref: '#/components/schemas/ActiveChargingProfileResult' },
          { $ref: '#/components/schemas/ClearProfileResult' },
        ],
      });
      const active = doc.paths[`/${version}/sender/chargingprofiles/{session_id}`]?.put;
      expect(active?.requestBody?.content['application/json']?.schema).toEqual({
        $ref: '#/components/schemas/ActiveChargingProfile',
      });
    });
  },
);

it('has no ChargingProfiles in OCPI 2.1.1', async () => {
  const doc = await openApiDocument('2.1.1');
  expect(Object.keys(doc.paths).filter((path) => path.includes('chargingprofiles'))).toEqual([]);
});
