/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv, type ProxyOptions } from 'vite';

const DEFAULT_API_PROXY = 'http://127.0.0.1:3000';

export default defineConfig(({ mode }) => {
  // Reads .env files and the process environment (no prefix filter) so that
  // CF_API_PROXY can be set either way. It is never exposed to the browser.
  const env = loadEnv(mode, process.cwd(), '');
  const target = env.CF_API_PROXY || DEFAULT_API_PROXY;

  const proxy: Record<string, ProxyOptions> = {
    '/api': { target },
    '/ws': { target, ws: true },
  };

  return {
    plugins: [react()],
    resolve: {
      alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
    },
    server: { proxy },
    preview: { proxy },
    build: {
      outDir: 'dist',
      sourcemap: true,
      rolldownOptions: {
        output: {
          // Stable, cacheable vendor chunks; app code is split per route.
          codeSplitting: {
            groups: [
              { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
              { name: 'vendor', test: /node_modules[\\/](@tanstack|sonner|zod)[\\/]/ },
              { name: 'forms', test: /node_modules[\\/](react-hook-form|@hookform)[\\/]/ },
            ],
          },
        },
      },
    },
    test: {
      environment: 'node',
      include: ['src/**/*.test.ts'],
      restoreMocks: true,
    },
  };
});
