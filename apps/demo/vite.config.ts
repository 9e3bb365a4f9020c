import { defineConfig } from 'vite';

// The page is served by the router itself (`--static`), from the same origin as its WebSocket endpoint.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
});
