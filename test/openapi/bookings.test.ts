import { expect, it } from 'vitest';
import { openApiDocument } from '../../src/index.ts';

/* Bookings (2.3.0 only) in the document: the CPO's sender and the eMSP's receiver. */
it('documents the Bookings sender and receiver of OCPI 2.3.0', async () => {
  const doc = await openApiDocument('2.3.0');
  const paths = Object.keys(doc.paths).filter((path) => path.includes('/bookings'));
  expect(paths.sort()).toEqual(
    [
      '/2.3.0/sender/bookings',
      '/2.3.0/sender/bookings/booking_locations',
      '/2.3.0/sender/bookings/booking_locations/{booking_location_id}',
      '/2.3.0/sender/bookings/booking_locations/{booking_location_id}/{calendar_id}',
      '/2.3.0/receiver/bookings/{country_code}/{party_id}/booking_locations/{booking_location_id}',
      '/2.3.0/receiver/bookings/{country_code}/{party_id}/booking_locations/{booking_location_id}/{calendar_id}',
      '/2.3.0/receiver/bookings/{country_code}/{party_id}/{booking_request_id}',
    ].sort(),
  );
  const post = doc.paths['/2.3.0/sender/bookings']?.post;
  expect(post?.requestBody?.content['application/json']?.schema).toEqual({
    $ref: '#/components/schemas/BookingRequest',
  });
  const patch = doc.paths['/2.3.0/receiver/bookings/{country_code}/{party_id}/{booking_request_id}']?.patch;
  expect(patch?.operationId).toBe('receiverPatchBooking');
});

it('has no Bookings before OCPI 2.3.0', async () => {
  for (const version of ['2.1.1', '2.2.1'] as const) {
    const doc = await openApiDocument(version);
    expect(Object.keys(doc.paths).filter((path) => path.includes('bookings'))).toEqual([]);
  }
});
