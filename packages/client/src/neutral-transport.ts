// What the client's public types need of the transport, from its platform-neutral entry. Under
// `moduleResolution: "nodenext"` TypeScript resolves '@wamp/transport' with the `node` condition, to the Node
// entry, whose declarations name Node's types (http, Buffer); a browser app without @types/node could not check
// them. The browser entry declares the same types and the same ConnectionError class, without anything of Node.
// At run time only `connect` comes from '@wamp/transport': ws in Node, the native WebSocket in browsers.
export {
  ConnectionError,
  type ConnectionErrorCode,
  type Transport,
  type TransportCloseEvent,
} from '@wamp/transport/browser';
