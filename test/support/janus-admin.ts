/** Janus Admin API calls for tests: how many sessions (and so handles) exist right now. */
import WebSocket from 'ws';

export function janusAdmin<T = Record<string, unknown>>(
  url: string,
  secret: string,
  body: Record<string, unknown>,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'janus-admin-protocol');
    const timer = setTimeout(() => (ws.terminate(), reject(new Error('Janus admin API timed out'))), 3000);
    ws.on('open', () => ws.send(JSON.stringify({ ...body, transaction: 't', admin_secret: secret })));
    ws.on('message', (d) => {
      clearTimeout(timer);
      ws.close();
      const msg = JSON.parse(String(d)) as T & { janus: string; error?: { reason: string } };
      if (msg.janus === 'error') reject(new Error(msg.error?.reason));
      else resolve(msg);
    });
    ws.on('error', reject);
  });
}

export const janusSessionIds = async (url: string, secret: string) =>
  (await janusAdmin<{ sessions: number[] }>(url, secret, { janus: 'list_sessions' })).sessions;
