import { writeFileSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import type { Plugin } from 'vite'
import { defineConfig } from 'vitest/config'

const outDir = fileURLToPath(new URL('./dist', import.meta.url))

// The Go binary embeds frontend/dist, and the committed dist/.gitkeep lets
// `go build` and `go test` work before any frontend build. Vite empties dist
// on every build, so put the placeholder back afterwards.
const keepGitkeep: Plugin = {
  name: 'dpgcerts-keep-gitkeep',
  apply: 'build',
  closeBundle() {
    writeFileSync(`${outDir}/.gitkeep`, '')
  },
}

export default defineConfig({
  plugins: [vue(), keepGitkeep],
  define: {
    // vue-i18n's bundler build: Composition API only, no devtools in production.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
      // The translations live beside the Go code: one source for both sides.
      '@locales': fileURLToPath(new URL('../locales', import.meta.url)),
    },
  },
  server: {
    fs: { allow: ['..'] },
  },
  build: {
    outDir,
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
})
