import { defineConfig } from 'vite';

// Served by the router itself under /dashboard/ (see src/dashboard/http.ts in the router), from the same origin as
// its WebSocket endpoint: relative asset URLs, no source maps in the package.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false },
});
