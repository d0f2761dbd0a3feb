/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';

// fhir-server serves the built files at /app (see smart-app/pom.xml), so asset URLs start there.
export default defineConfig({
  base: '/app/',
  plugins: [react(), tailwindcss()],
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/testing/setup.ts'],
  },
});
