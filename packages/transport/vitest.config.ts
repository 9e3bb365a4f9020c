import { mergeConfig } from 'vitest/config';
import { workspaceProject } from '../../vitest.shared.ts';

// Node 20 has a native WebSocket only behind this flag; the browser client's tests run on it.
export default mergeConfig(workspaceProject('transport'), { test: { execArgv: ['--experimental-websocket'] } });
