import { defineConfig } from 'vite';

// Builds decryptBench.ts (and the decryptor it imports) into one ES module, minified as the
// app's own bundle is, for run.mjs to load in Node and in Chromium.
export default defineConfig({
  root: import.meta.dirname,
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    lib: { entry: 'decryptBench.ts', formats: ['es'], fileName: () => 'decrypt-bench.js' },
  },
});
