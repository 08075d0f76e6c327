import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The console's build: one entry (index.html), hashed files under assets/, the reports' charts in
// a chunk of their own loaded when the reports open (the board's first load stays small).
export default defineConfig({
  root: dirname(fileURLToPath(import.meta.url)),
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    target: 'es2022',
    sourcemap: true,
    assetsDir: 'assets',
    reportCompressedSize: false,
    rollupOptions: {
      // React Query marks its modules "use client" for server components; a browser bundle has none
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
