/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig, loadEnv, type Connect, type Plugin, type ProxyOptions } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const DEFAULT_API_PROXY = 'http://127.0.0.1:3000';

/** Serves track.html for /track/<token> in `vite` and `vite preview`, as the local host and CloudFront do. */
function trackingPageRewrite(): Plugin {
  const rewrite: Connect.NextHandleFunction = (req, _res, next) => {
    if (req.url && /^\/track\/[^/?#]+/.test(req.url)) req.url = '/track.html';
    next();
  };
  return {
    name: 'cargoflow-tracking-rewrite',
    configureServer: (server) => void server.middlewares.use(rewrite),
    configurePreviewServer: (server) => void server.middlewares.use(rewrite),
  };
}

/** The tracking page is not part of the installable driver app: no manifest link there. */
function trackingPageWithoutManifest(): Plugin {
  return {
    name: 'cargoflow-tracking-no-manifest',
    enforce: 'post',
    transformIndexHtml: {
      order: 'post',
      handler: (html, context) =>
        context.filename.endsWith('track.html') ? html.replace(/<link rel="manifest"[^>]*>/g, '') : html,
    },
  };
}

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
    plugins: [
      react(),
      trackingPageRewrite(),
      // The driver app is an installable PWA: the service worker precaches the
      // app shell (index.html and its assets) so it opens offline; API calls are
      // never cached by it (the app keeps its own offline data and queue).
      VitePWA({
        strategies: 'generateSW',
        // A new version waits for the driver to accept it (no reload in the middle of a POD).
        registerType: 'prompt',
        // Registered by the driver layout (virtual:pwa-register), not on every page.
        injectRegister: false,
        manifestFilename: 'manifest.webmanifest',
        includeAssets: ['favicon.svg'],
        manifest: {
          id: '/driver/',
          name: 'CargoFlow Driver',
          short_name: 'CargoFlow',
          description: 'Your deliveries for today, online or offline.',
          start_url: '/driver/today',
          scope: '/',
          display: 'standalone',
          orientation: 'portrait',
          background_color: '#f5f6f8',
          theme_color: '#0f172a',
          icons: [
            { src: '/pwa-192.png', sizes: '192x192', type: 'image/png' },
            { src: '/pwa-512.png', sizes: '512x512', type: 'image/png' },
            { src: '/pwa-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          ],
        },
        workbox: {
          globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
          // The tracking page is a separate, network-first public page.
          globIgnores: ['track.html', 'assets/track-*'],
          navigateFallback: '/index.html',
          navigateFallbackDenylist: [/^\/api\//, /^\/ws\//, /^\/track\//],
          maximumFileSizeToCacheInBytes: 3 * 1024 * 1024,
          cleanupOutdatedCaches: true,
        },
        devOptions: { enabled: false },
      }),
      trackingPageWithoutManifest(),
    ],
    resolve: {
      alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
    },
    server: { proxy },
    preview: { proxy },
    build: {
      outDir: 'dist',
      sourcemap: true,
      rolldownOptions: {
        input: {
          main: fileURLToPath(new URL('./index.html', import.meta.url)),
          track: fileURLToPath(new URL('./track.html', import.meta.url)),
        },
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
