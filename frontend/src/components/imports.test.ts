// Components call stores (and composables), never the Go side: no value
// import from the api wrappers or the generated bindings, only types.
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import { describe, expect, it } from 'vitest'

const src = fileURLToPath(new URL('..', import.meta.url))
const components = readdirSync(src + 'components', { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.vue'))
  .map((f) => `components/${f}`)
  .concat('App.vue')

/** The imports of a file that bring in a value from the api or the bindings. */
function valueImports(code: string): string[] {
  const found: string[] = []
  for (const m of code.matchAll(/^\s*import\s+(type\s+)?([^'"]*?)\s*from\s*['"]([^'"]+)['"]/gm)) {
    const [whole, typeOnly, names, from] = m
    if (!/^@\/api(\/|$)|(^|\/)api(\/[a-z]+)?$|wailsjs/.test(from)) continue
    if (typeOnly) continue
    // import { type A, type B } from '@/api' brings in no value either.
    const specs = /^\{([\s\S]*)\}$/.exec(names.trim())
    if (specs && specs[1].split(',').every((s) => s.trim() === '' || s.trim().startsWith('type '))) continue
    found.push(whole.trim())
  }
  return found
}

describe('components', () => {
  it('are found', () => {
    expect(components.length).toBeGreaterThan(20)
  })

  it.each(components)('%s calls no api directly', (file) => {
    expect(valueImports(readFileSync(src + file, 'utf8'))).toEqual([])
  })

  it('the check sees a value import', () => {
    expect(valueImports("import { portal as api, type X } from '@/api'\nimport type { Y } from '@/api'")).toEqual([
      "import { portal as api, type X } from '@/api'",
    ])
    expect(valueImports("import { type X } from '@/api'\nimport * as App from '../../wailsjs/go/app/App'")).toEqual([
      "import * as App from '../../wailsjs/go/app/App'",
    ])
    expect(valueImports("import { openUrl } from '../../api'")).toHaveLength(1)
  })
})
