import { afterAll, describe, expect, it } from 'vitest';
import { ocpi, serve, stopAllServed } from '../support/cli.ts';
import { startConnectionCounter } from '../support/connection-counter.ts';
import { call } from '../support/nodes.ts';

afterAll(stopAllServed);

describe('ocpi serve --block-private-networks', () => {
  it('refuses partner URLs on private networks, never connecting', async () => {
    expect(await ocpi('serve', '--help')).toMatch(/--block-private-networks/);
    const counter = await startConnectionCounter();
    try {
      // Without the flag this node would call the URL (the other CLI tests register over loopback).
      const node = await serve(['--block-private-networks']);
      const refused = await call(`${node.adminUrl}/partners`, {
        method: 'POST',
        headers: { authorization: `Bearer ${node.adminToken}` },
        body: { versionsUrl: `http://[::ffff:127.0.0.1]:${counter.port}/versions`, token: 'a' },
      });
      expect(refused.body.status_code).toBe(2001);
      expect(refused.body.status_message).toBe('versionsUrl: address not allowed (private network)');
      expect(counter.connections()).toBe(0);
    } finally {
      await counter.close();
    }
  }, 90_000);
});
