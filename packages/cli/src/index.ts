// The public API of @wamp/cli: the `wamp` command as a function, for wrappers and tests, and its exit codes.
export { ExitCode } from './errors.js';
export { type Io, main, run } from './main.js';
export { COMMAND_FAILED_URI } from './register/callee.js';
