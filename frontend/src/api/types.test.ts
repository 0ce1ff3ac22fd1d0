// types.ts against the Go types: each interface tagged `@go pkg.Type` has
// the fields (names and, where the generated class says, primitive types)
// of that class in frontend/wailsjs/go/models.ts, which `make bindings`
// generates from the bound Go structs; and each class there is mirrored.
//
// A test rather than generating types.ts from models.ts: the generated
// classes type every time as `any`, every pointer and omitempty field as
// optional, and every enum as string, while the hand-written interfaces say
// what the components rely on (unions such as Status, `string | null`,
// times as strings). Both files are read with the TypeScript parser.
//
// Optionality is not compared: Wails marks a pointer optional although Go
// sends null, and ignores omitzero, so its `?` says little about the JSON.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const MODELS = fileURLToPath(new URL('../../wailsjs/go/models.ts', import.meta.url))
const TYPES = fileURLToPath(new URL('./types.ts', import.meta.url))
const MISSING = `${MODELS} is missing: run \`make bindings\` (make test-frontend does it first)`

/** A field's type, reduced: string, number, boolean, time, any, record, object, Go:<pkg.Type>, or one of these with []. */
type Kind = string

/** The type keywords both sides write, and their kinds. */
const KEYWORDS = new Map<ts.SyntaxKind, Kind>([
  [ts.SyntaxKind.StringKeyword, 'string'],
  [ts.SyntaxKind.NumberKeyword, 'number'],
  [ts.SyntaxKind.BooleanKeyword, 'boolean'],
  [ts.SyntaxKind.UndefinedKeyword, 'undefined'],
])

function parse(path: string): ts.SourceFile {
  return ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true)
}

// --- models.ts: namespaces of classes -------------------------------------

function modelKind(node: ts.TypeNode, ns: string, leading: string): Kind {
  if (ts.isArrayTypeNode(node)) return modelKind(node.elementType, ns, '') + '[]'
  const keyword = KEYWORDS.get(node.kind)
  if (keyword) return keyword
  // Wails writes "// Go type: time" above a time.Time field.
  if (node.kind === ts.SyntaxKind.AnyKeyword) return /Go type: time/.test(leading) ? 'time' : 'any'
  if (ts.isTypeReferenceNode(node)) {
    const name = node.typeName.getText()
    if (name === 'Record') return 'record'
    return 'Go:' + (name.includes('.') ? name : `${ns}.${name}`)
  }
  return node.getText()
}

function readModels(): Map<string, Map<string, Kind>> {
  const classes = new Map<string, Map<string, Kind>>()
  const file = parse(MODELS)
  for (const st of file.statements) {
    if (!ts.isModuleDeclaration(st) || !st.body || !ts.isModuleBlock(st.body)) continue
    const ns = st.name.getText()
    for (const cls of st.body.statements) {
      if (!ts.isClassDeclaration(cls) || !cls.name) continue
      const fields = new Map<string, Kind>()
      for (const m of cls.members) {
        if (!ts.isPropertyDeclaration(m) || !m.type) continue
        if (m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword)) continue
        const leading = file.text.slice(m.getFullStart(), m.getStart())
        fields.set(m.name.getText(), modelKind(m.type, ns, leading))
      }
      classes.set(`${ns}.${cls.name.text}`, fields)
    }
  }
  return classes
}

// --- types.ts: interfaces and type aliases -------------------------------

interface Mirror {
  name: string
  go: string
  fields: Map<string, Kind>
}

function tags(node: ts.Node, name: string): string[] {
  return ts
    .getJSDocTags(node)
    .filter((t) => t.tagName.text === name)
    .map((t) => (typeof t.comment === 'string' ? t.comment : ts.getTextOfJSDocComment(t.comment) ?? '').trim())
}

function readTypes(): Mirror[] {
  const file = parse(TYPES)
  const interfaces = new Map<string, ts.InterfaceDeclaration>()
  const aliases = new Map<string, ts.TypeAliasDeclaration>()
  for (const st of file.statements) {
    if (ts.isInterfaceDeclaration(st)) interfaces.set(st.name.text, st)
    else if (ts.isTypeAliasDeclaration(st)) aliases.set(st.name.text, st)
  }
  const goOf = (name: string) => {
    const decl = interfaces.get(name)
    return decl ? tags(decl, 'go')[0] : undefined
  }

  function kind(node: ts.TypeNode): Kind {
    if (ts.isArrayTypeNode(node)) return kind(node.elementType) + '[]'
    if (ts.isParenthesizedTypeNode(node)) return kind(node.type)
    if (ts.isLiteralTypeNode(node)) {
      if (ts.isStringLiteral(node.literal)) return 'string'
      if (ts.isNumericLiteral(node.literal)) return 'number'
      if (node.literal.kind === ts.SyntaxKind.NullKeyword) return 'null'
      return 'boolean'
    }
    if (ts.isUnionTypeNode(node)) {
      const kinds = [...new Set(node.types.map(kind).filter((k) => k !== 'null' && k !== 'undefined'))]
      return kinds.length === 1 ? kinds[0] : kinds.join(' | ')
    }
    if (ts.isTypeLiteralNode(node)) return 'object'
    const keyword = KEYWORDS.get(node.kind)
    if (keyword) return keyword
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText()
      if (name === 'Record') return 'record'
      if (name === 'Array' && node.typeArguments?.length === 1) return kind(node.typeArguments[0]) + '[]'
      const alias = aliases.get(name)
      if (alias) return kind(alias.type)
      const go = goOf(name)
      return go ? `Go:${go}` : `interface ${name} without @go`
    }
    return node.getText()
  }

  function fields(decl: ts.InterfaceDeclaration, into = new Map<string, Kind>()): Map<string, Kind> {
    for (const h of decl.heritageClauses ?? []) {
      for (const t of h.types) {
        const base = interfaces.get(t.expression.getText())
        if (base) fields(base, into)
      }
    }
    for (const m of decl.members) {
      if (!ts.isPropertySignature(m) || !m.type) continue
      if (ts.getJSDocTags(m).some((t) => t.tagName.text === 'frontend')) continue
      into.set(m.name.getText(), kind(m.type))
    }
    return into
  }

  return [...interfaces.values()]
    .filter((decl) => tags(decl, 'go').length > 0)
    .map((decl) => ({ name: decl.name.text, go: tags(decl, 'go')[0], fields: fields(decl) }))
}

/** Whether a field typed goKind in models.ts may be typed tsKind in types.ts. */
function agrees(goKind: Kind, tsKind: Kind): boolean {
  if (goKind.endsWith('[]') || tsKind.endsWith('[]')) {
    return goKind.endsWith('[]') && tsKind.endsWith('[]') && agrees(goKind.slice(0, -2), tsKind.slice(0, -2))
  }
  if (goKind === 'any') return true // Wails knows nothing more
  if (goKind === 'time') return tsKind === 'string' // RFC 3339 text in the JSON
  return goKind === tsKind
}

const models = existsSync(MODELS) ? readModels() : null
const mirrors = readTypes()

describe('types.ts mirrors the Go types (wailsjs/go/models.ts)', () => {
  it('finds the generated models', () => {
    expect(models, MISSING).not.toBeNull()
    expect(models!.size, 'models.ts has classes').toBeGreaterThan(10)
  })

  it('has a mirror for every class in models.ts, and no mirror of a class that is gone', () => {
    if (!models) throw new Error(MISSING)
    const mirrored = new Set(mirrors.map((m) => m.go))
    const unmirrored = [...models.keys()].filter((c) => !mirrored.has(c))
    expect(unmirrored, 'classes in models.ts with no interface tagged @go <class> in types.ts').toEqual([])
    const gone = mirrors.filter((m) => !models.has(m.go)).map((m) => `${m.name} (@go ${m.go})`)
    expect(gone, 'interfaces in types.ts whose @go class is not in models.ts').toEqual([])
  })

  it.each(mirrors.map((m) => [m.name, m.go, m] as const))('%s has the fields of %s', (_name, _go, m) => {
    if (!models) throw new Error(MISSING)
    const goFields = models.get(m.go)
    if (!goFields) return // reported by the test above
    const problems: string[] = []
    for (const [field, goKind] of goFields) {
      const tsKind = m.fields.get(field)
      if (tsKind === undefined) problems.push(`${m.name} lacks the field "${field}" (${goKind}) of Go ${m.go}`)
      else if (!agrees(goKind, tsKind)) problems.push(`${m.name}.${field} is ${tsKind} in types.ts but ${goKind} in Go ${m.go}`)
    }
    for (const field of m.fields.keys()) {
      if (!goFields.has(field)) problems.push(`${m.name}.${field} is not a field of Go ${m.go} (mark a field the frontend adds @frontend)`)
    }
    expect(problems).toEqual([])
  })
})

describe('the event payloads in types.ts', () => {
  // Each event the stores listen to names its payload's interface, tagged
  // `@event <name> <pkg.Type>`, so that app's TestEventShapes can read it.
  const file = parse(TYPES)
  const tagged = new Map<string, { iface: string; go: string }>()
  for (const st of file.statements) {
    if (!ts.isInterfaceDeclaration(st)) continue
    for (const tag of tags(st, 'event')) {
      const [name, go] = tag.split(/\s+/)
      tagged.set(name, { iface: st.name.text, go })
    }
  }
  const stores = fileURLToPath(new URL('../stores/', import.meta.url))
  const listened = readdirSync(stores)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .flatMap((f) => [...readFileSync(stores + f, 'utf8').matchAll(/onEvent<(\w+)>\('([a-z]+:[a-z]+)'/g)].map((m) => ({ iface: m[1], name: m[2] })))

  it('are tagged well', () => {
    for (const [name, { go }] of tagged) {
      expect(name, 'an event is named <area>:<event>').toMatch(/^[a-z]+:[a-z]+$/)
      expect(go, `@event ${name} names its Go type`).toMatch(/^[a-z]+\.[A-Z]\w*$/)
    }
  })

  it('describe every event the stores listen to, with the interface they read it as', () => {
    expect(listened.length).toBeGreaterThanOrEqual(5)
    for (const { iface, name } of listened) {
      expect(tagged.get(name)?.iface, `@event ${name} in types.ts`).toBe(iface)
    }
  })
})

describe('the comparison itself', () => {
  it('tells the kinds apart', () => {
    expect(agrees('time', 'string')).toBe(true)
    expect(agrees('time', 'number')).toBe(false)
    expect(agrees('string', 'number')).toBe(false)
    expect(agrees('Go:certs.Certificate[]', 'Go:certs.Certificate[]')).toBe(true)
    expect(agrees('Go:certs.Certificate[]', 'Go:certs.Certificate')).toBe(false)
    expect(agrees('Go:session.CertFacts', 'Go:portal.Usage')).toBe(false)
    expect(agrees('any', 'record')).toBe(true)
  })

  it('reads the tags and the fields of types.ts', () => {
    const file = mirrors.find((m) => m.name === 'CertFile')!
    expect(file.go).toBe('certs.File')
    expect(file.fields.get('status')).toBe('string') // the Status union
    expect(file.fields.get('chain')).toBe('Go:certs.Certificate[]') // null dropped
    expect(file.fields.has('usage')).toBe(false) // @frontend
    const view = mirrors.find((m) => m.name === 'IntegrationView')!
    expect(view.fields.get('kind')).toBe('string') // from extends Integration
    expect(view.fields.get('active')).toBe('Go:session.CertFacts')
  })
})
