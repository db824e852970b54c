/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The gateway serves dist/ at / (history fallback to index.html); `npm run dev` proxies the API to a running
// `make up` stack on :8080.
export default defineConfig({
  plugins: [react()],
  // The manifest lets tools/bundle_size.py tell the patient path (entry + static imports) from the lazy areas.
  // React, the router and the patient pages are one ~320 kB (~96 kB gzip) entry; warn only past that.
  build: { outDir: "dist", sourcemap: false, chunkSizeWarningLimit: 400, manifest: true },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
  test: {
    environment: "jsdom",
    setupFiles: ["src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
