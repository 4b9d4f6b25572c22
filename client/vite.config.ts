import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** `npm run dev` serves the client with hot reload and forwards API + socket.io to the dev server. */
const DEV_SERVER = 'http://127.0.0.1:8080';

export default defineConfig({
  // The client folder, even when run from the repo root (`vite --config client/vite.config.ts`).
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  server: {
    proxy: {
      '/api': { target: DEV_SERVER, changeOrigin: false },
      '/socket.io': { target: DEV_SERVER, ws: true, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
});
