import { connect } from 'node:net';

/** One HTTP response as read off the socket. */
export interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body as JSON, when it is JSON. */
  json: unknown;
}

/**
 * Sends bytes as they are to 127.0.0.1:`port` (a malformed URL, oversized headers, a
 * body that never ends...) and reads the one response, which the server either ends
 * with the connection or sizes with Content-Length.
 */
export function rawRequest(
  port: number,
  request: string,
  options: { timeoutMs?: number } = {},
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let done = false;
    const timer = setTimeout(() => finish(new Error('no response in time')), options.timeoutMs ?? 10_000);
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) return reject(err);
      const text = data.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
      const headers = Object.fromEntries(
        lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
      );
      const body = text.slice(end + 4);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {}
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body, json });
    };
    const complete = () => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(data.subarray(0, end).toString('latin1'))?.[1];
      return length !== undefined && data.length >= end + 4 + Number(length);
    };
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (complete()) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (err) => (data.length > 0 ? finish() : finish(err)));
    socket.on('connect', () => socket.write(request));
  });
}
