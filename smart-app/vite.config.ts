/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// fhir-server serves the built files at /app (see smart-app/pom.xml), so asset URLs start there.
export default defineConfig({
  base: '/app/',
  plugins: [react(), tailwindcss()],
  build: {
    rolldownOptions: {
      onwarn(warning, warn) {
        // fhirclient's isomorphic-webcrypto ships a UMD shim as .mjs; its `module` use sits behind
        // a typeof guard, so the warning is noise.
        if (warning.code === 'COMMONJS_VARIABLE_IN_ESM' && warning.id?.includes('isomorphic-webcrypto')) return;
        warn(warning);
      },
    },
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/testing/setup.ts'],
  },
});
