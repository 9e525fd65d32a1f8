/** Janus's WebSocket API in raw JSON for the load client: one socket carries many sessions and handles. */
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
}

/** One message from Janus: a reply to a transaction or an event of a handle. */
export interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id: number };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: Jsep;
  error?: { code: number; reason: string };
}

/** A plugin's answer: its data and, for offers and answers, the SDP. */
export interface PluginReply {
  data: Record<string, unknown>;
  jsep?: Jsep;
}

/** Janus's session_timeout is 60 s (media/janus/janus.jcfg): a keepalive every 20 s keeps a long ramp alive. */
const KEEPALIVE_MS = 20_000;
const REQUEST_TIMEOUT_MS = 20_000;

export class JanusSocket {
  private readonly pending = new Map<
    string,
    { resolve: (m: JanusMessage) => void; reject: (e: Error) => void; ackIsFinal: boolean }
  >();
  /** Events without a transaction (webrtcup, media, hangup, plugin notices), by handle id. */
  private readonly listeners = new Map<number, (m: JanusMessage) => void>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly apiSecret: string | undefined,
  ) {
    ws.on('message', (raw) => this.dispatch(JSON.parse(String(raw)) as JanusMessage));
    ws.on('close', () => {
      for (const p of this.pending.values()) p.reject(new Error('Janus WebSocket closed'));
      this.pending.clear();
    });
  }

  /**
   * Opens the socket with Janus's subprotocol.
   * @param url - ws://host:port of the Janus WebSocket API
   * @param apiSecret - Janus's api_secret (the server's own; a load client is not a meeting page with a token)
   */
  static open(url: string, apiSecret?: string): Promise<JanusSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'janus-protocol');
      ws.once('open', () => resolve(new JanusSocket(ws, apiSecret)));
      ws.once('error', reject);
    });
  }

  private dispatch(m: JanusMessage): void {
    const p = m.transaction ? this.pending.get(m.transaction) : undefined;
    if (p && (m.janus !== 'ack' || p.ackIsFinal)) {
      this.pending.delete(m.transaction!);
      const pluginError = m.plugindata?.data.error_code as number | undefined;
      if (m.janus === 'error') p.reject(new Error(`Janus error ${m.error?.code}: ${m.error?.reason}`));
      else if (pluginError) p.reject(new Error(`VideoRoom error ${pluginError}: ${String(m.plugindata!.data.error)}`));
      else p.resolve(m);
      return;
    }
    if (!p && m.sender) this.listeners.get(m.sender)?.(m);
  }

  /**
   * Sends one request and resolves with its final answer ('success', or the plugin's 'event' after an 'ack').
   * @param ackIsFinal - keepalive and trickle are only ever acknowledged
   */
  send(body: Record<string, unknown>, ackIsFinal = false): Promise<JanusMessage> {
    const transaction = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new Error(`Janus '${String(body.janus)}' timed out`));
      }, REQUEST_TIMEOUT_MS);
      const done =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          f(v);
        };
      this.pending.set(transaction, { resolve: done(resolve), reject: done(reject), ackIsFinal });
      this.ws.send(JSON.stringify({ ...body, transaction, ...(this.apiSecret ? { apisecret: this.apiSecret } : {}) }));
    });
  }

  /** A new session, kept alive until destroyed. */
  async createSession(): Promise<JanusSession> {
    const reply = await this.send({ janus: 'create' });
    return new JanusSession(this, reply.data!.id);
  }

  /** @internal */
  listen(handleId: number, fn: ((m: JanusMessage) => void) | undefined): void {
    if (fn) this.listeners.set(handleId, fn);
    else this.listeners.delete(handleId);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

export class JanusSession {
  private readonly keepalive: NodeJS.Timeout;

  constructor(
    private readonly socket: JanusSocket,
    readonly id: number,
  ) {
    this.keepalive = setInterval(() => {
      this.socket.send({ janus: 'keepalive', session_id: id }, true).catch(() => undefined);
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  /** Attaches a handle to the VideoRoom plugin. */
  async attach(): Promise<JanusHandle> {
    const reply = await this.socket.send({ janus: 'attach', session_id: this.id, plugin: 'janus.plugin.videoroom' });
    return new JanusHandle(this.socket, this.id, reply.data!.id);
  }

  async destroy(): Promise<void> {
    clearInterval(this.keepalive);
    await this.socket.send({ janus: 'destroy', session_id: this.id }).catch(() => undefined);
  }
}

export class JanusHandle {
  constructor(
    private readonly socket: JanusSocket,
    private readonly sessionId: number,
    readonly id: number,
  ) {}

  /** A VideoRoom request: resolves with the plugin's data (and SDP) or rejects with its error. */
  async message(body: Record<string, unknown>, jsep?: Jsep): Promise<PluginReply> {
    const reply = await this.socket.send({
      janus: 'message',
      session_id: this.sessionId,
      handle_id: this.id,
      body,
      ...(jsep ? { jsep } : {}),
    });
    return { data: reply.plugindata?.data ?? {}, jsep: reply.jsep };
  }

  /** Calls fn with each event Janus sends this handle outside a transaction. */
  onEvent(fn: (m: JanusMessage) => void): void {
    this.socket.listen(this.id, fn);
  }

  async detach(): Promise<void> {
    this.socket.listen(this.id, undefined);
    await this.socket.send({ janus: 'detach', session_id: this.sessionId, handle_id: this.id }).catch(() => undefined);
  }
}
