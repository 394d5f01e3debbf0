/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The dashboard is a static app: `npm run build` writes dist/, which the Go binary embeds
// (frontend/embed.go). Asset names carry content hashes, so they can be cached forever;
// the server sends index.html with Cache-Control: no-cache.
export default defineConfig({
  base: '/',
  publicDir: 'public',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    sourcemap: false,
    // Every supported browser has <link rel=modulepreload>; the polyfill would only add bytes.
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 300,
  },
  server: {
    // `npm run dev` against a local `netfolio serve --demo --addr 127.0.0.1:18181`.
    proxy: { '/api': { target: 'http://127.0.0.1:18181', changeOrigin: false } },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
