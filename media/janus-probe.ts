/** Asks a Janus WebSocket API for `info`: used by health checks and start-up waits. */
import WebSocket from 'ws';

export interface JanusInfo {
  name: string;
  version: string;
  plugins: string[];
}

/**
 * Connects, sends `{"janus":"info"}` and resolves with the server's answer.
 * @param url - ws://host:port of the Janus WebSocket (or Admin) API
 * @param timeoutMs - gives up after this long
 */
export function janusInfo(url: string, timeoutMs = 2000, adminSecret?: string): Promise<JanusInfo> {
  return new Promise((resolve, reject) => {
    const protocol = adminSecret ? 'janus-admin-protocol' : 'janus-protocol';
    const ws = new WebSocket(url, protocol);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`Janus at ${url} did not answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      ws.close();
      fn();
    };
    ws.on('open', () =>
      ws.send(
        JSON.stringify({ janus: 'info', transaction: 'health', ...(adminSecret ? { admin_secret: adminSecret } : {}) }),
      ),
    );
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as {
        janus: string;
        name?: string;
        version_string?: string;
        plugins?: Record<string, unknown>;
        error?: { reason: string };
      };
      if (msg.janus === 'server_info') {
        done(() =>
          resolve({
            name: msg.name ?? 'Janus',
            version: msg.version_string ?? '?',
            plugins: Object.keys(msg.plugins ?? {}),
          }),
        );
      } else {
        done(() => reject(new Error(`Janus answered ${msg.janus}: ${msg.error?.reason ?? 'unexpected'}`)));
      }
    });
    ws.on('error', (err) => done(() => reject(err)));
  });
}
