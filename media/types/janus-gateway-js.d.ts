/** The part of janus-gateway-js (plain JS, no types) that Vårdmöte uses, server and browser side. */
declare module 'janus-gateway-js/src/client' {
  import type { JanusConnection } from 'janus-gateway-js';
  export default class Client {
    /** `token` (Janus' stored-token check) and `apisecret` go on every request of the connection. */
    constructor(address: string, options?: { keepalive?: boolean | number; token?: string; apisecret?: string });
    createConnection(id?: string): Promise<JanusConnection>;
  }
}
declare module 'janus-gateway-js' {
  export interface JanusMessageLike {
    get(...names: string[]): unknown;
    getPlainMessage(): {
      janus: string;
      transaction?: string;
      plugindata?: { plugin: string; data: Record<string, unknown> };
      jsep?: RTCSessionDescriptionInit;
    };
    getPluginData(...names: string[]): unknown;
  }
  export interface JanusPlugin {
    getId(): string;
    sendWithTransaction(options: {
      body: Record<string, unknown>;
      jsep?: RTCSessionDescriptionInit;
    }): Promise<JanusMessageLike>;
    on(event: 'message', fn: (msg: JanusMessageLike) => void): void;
    on(event: 'detach' | 'error', fn: (arg?: unknown) => void): void;
    off(event: 'message' | 'detach' | 'error', fn: (...args: never[]) => void): void;
    detach(): Promise<void>;
  }
  export interface JanusSession {
    getId(): string;
    attachPlugin(name: string): Promise<JanusPlugin>;
    destroy(): Promise<void>;
  }
  export interface JanusConnection {
    createSession(): Promise<JanusSession>;
    close(): Promise<void>;
    on(event: 'close' | 'error', fn: (arg?: unknown) => void): void;
  }
  const janus: {
    Client: typeof import('janus-gateway-js/src/client').default;
    Error: new (...args: unknown[]) => Error;
  };
  export default janus;
}
