// The slice of Autobahn|JS 22 (untyped CommonJS) that the interop suite drives.
declare module 'autobahn' {
  export interface Serializer {
    SERIALIZER_ID: string;
  }
  export interface Result {
    args: unknown[];
    kwargs: Record<string, unknown>;
  }
  export interface Subscription {
    id: number;
  }
  export interface Registration {
    id: number;
  }
  export interface Publication {
    id: number;
  }
  /** Autobahn's call promise (when.js): a progress handler as third `then` argument, and `cancel`. */
  export interface CallPromise extends Promise<unknown> {
    then<T>(
      onFulfilled?: (value: unknown) => T,
      onRejected?: (reason: unknown) => T,
      onProgress?: (update: unknown) => void,
    ): Promise<T>;
    cancel(options?: { mode?: 'skip' | 'kill' | 'killnowait' }): void;
  }
  export interface Session {
    id: number;
    call(procedure: string, args?: unknown[], kwargs?: Record<string, unknown>, options?: object): CallPromise;
    register(
      procedure: string,
      endpoint: (args: unknown[], kwargs: Record<string, unknown>, details: object) => unknown,
      options?: object,
    ): Promise<Registration>;
    unregister(registration: Registration): Promise<void>;
    subscribe(
      topic: string,
      handler: (args: unknown[], kwargs: Record<string, unknown>, details: object) => void,
      options?: object,
    ): Promise<Subscription>;
    unsubscribe(subscription: Subscription): Promise<boolean>;
    publish(
      topic: string,
      args?: unknown[],
      kwargs?: Record<string, unknown>,
      options?: object,
    ): Promise<Publication | undefined>;
    leave(reason?: string, message?: string): void;
  }
  export interface ConnectionOptions {
    realm: string;
    transports: { type: 'websocket'; url: string; serializers: Serializer[] }[];
    max_retries?: number;
    retry_if_unreachable?: boolean;
  }
  export class Connection {
    constructor(options: ConnectionOptions);
    onopen: ((session: Session, details: object) => void) | null;
    onclose: ((reason: string, details: { reason?: string; message?: string }) => boolean | undefined) | null;
    open(): void;
    close(reason?: string, message?: string): void;
  }
  const serializer: {
    JSONSerializer: new () => Serializer;
    MsgpackSerializer: new () => Serializer;
    CBORSerializer: new () => Serializer;
  };
  class AutobahnResult {
    constructor(args?: unknown[], kwargs?: Record<string, unknown>);
  }
  class AutobahnError {
    constructor(uri: string, args?: unknown[], kwargs?: Record<string, unknown>);
    error: string;
    args: unknown[];
    kwargs: Record<string, unknown>;
  }
  const autobahn: {
    Connection: typeof Connection;
    serializer: typeof serializer;
    Result: typeof AutobahnResult;
    Error: typeof AutobahnError;
  };
  export default autobahn;
}
