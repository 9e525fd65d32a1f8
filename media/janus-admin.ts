/** One request to Janus' Admin API over its WebSocket: stored tokens for the core token_auth check. */
import WebSocket from 'ws';

/** A refused Admin API request, with Janus' own error code and reason. */
export class JanusAdminError extends Error {
  constructor(
    readonly request: string,
    readonly code: number | undefined,
    reason: string,
  ) {
    super(`Janus Admin API '${request}' failed${code ? ` (${code})` : ''}: ${reason}`);
    this.name = 'JanusAdminError';
  }
}

/**
 * Sends one Admin API request and resolves with Janus' answer.
 * @param url - ws://host:port of the Admin API
 * @param secret - Janus' admin_secret
 * @param body - the request, e.g. `{ janus: 'add_token', token }`
 * @param timeoutMs - gives up after this long
 */
export function janusAdminRequest(
  url: string,
  secret: string,
  body: { janus: string } & Record<string, unknown>,
  timeoutMs = 3000,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'janus-admin-protocol');
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new JanusAdminError(body.janus, undefined, `no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      ws.close();
      fn();
    };
    ws.on('open', () => ws.send(JSON.stringify({ ...body, transaction: 'vardmote', admin_secret: secret })));
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { janus: string; error?: { code?: number; reason?: string } };
      if (msg.janus === 'success') done(() => resolve(msg));
      else done(() => reject(new JanusAdminError(body.janus, msg.error?.code, msg.error?.reason ?? msg.janus)));
    });
    ws.on('error', (err) => done(() => reject(err)));
  });
}
