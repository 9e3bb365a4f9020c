export { RouterError, RouterErrorCode } from './errors.js';
export { type LogFn, type Logger, silentLogger } from './logger.js';
export type {
  KeepaliveOptions,
  ResolvedOptions,
  RouterLimits,
  RouterOptions,
  SerializerName,
  SlowConsumerPolicy,
} from './options.js';
export { createRouter, type Router, type RouterStats } from './router.js';
export type { AttachOptions, ListenOptions, ListenResult } from './server.js';
