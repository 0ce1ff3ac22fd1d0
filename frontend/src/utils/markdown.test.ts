import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { escapeHtml, inline, renderMarkdown } from './markdown'

describe('renderMarkdown', () => {
  it('renders the blocks the guides use', () => {
    const html = renderMarkdown(
      '# Renew\n\nIntro text\nwraps here.\n\n1. One\n2. **Two**\n\n- a `code`\n- b\n\n## Next\n\n> Note\n\n---\n```\nx < y\n```',
    )
    expect(html).toBe(
      [
        '<h2>Renew</h2>',
        '<p>Intro text\nwraps here.</p>',
        '<ol>\n<li>One</li>\n<li><strong>Two</strong></li>\n</ol>',
        '<ul>\n<li>a <code>code</code></li>\n<li>b</li>\n</ul>',
        '<h3>Next</h3>',
        '<blockquote>\n<p>Note</p>\n</blockquote>',
        '<hr>',
        '<pre><code>x &lt; y\n</code></pre>',
        '',
      ].join('\n'),
    )
  })

  it('keeps the number a list starts at', () => {
    expect(renderMarkdown('3. Three\n4. Four')).toBe('<ol start="3">\n<li>Three</li>\n<li>Four</li>\n</ol>\n')
  })

  it('nests a list inside a numbered step and keeps counting after it', () => {
    const html = renderMarkdown('1. One\n2. Two:\n   - a\n   - b\n3. Three')
    expect(html).toBe('<ol>\n<li>One</li>\n<li>Two:\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n</li>\n<li>Three</li>\n</ol>\n')
  })

  it('never lets HTML through', () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)> **<b>x</b>**')
    expect(html).not.toContain('<script')
    expect(html).not.toContain('<img')
    expect(html).not.toContain('<b>')
    expect(html).toContain('&lt;script&gt;')
  })

  it('makes safe links only', () => {
    expect(inline('[site](https://example.org/a?b=1&c=2)')).toBe(
      '<a href="https://example.org/a?b=1&amp;c=2" data-external="true" rel="noopener">site</a>',
    )
    expect(inline('[renew](renew-certificate.md)')).toBe('<a href="#" data-guide="renew-certificate">renew</a>')
    expect(inline('[renew](#renew-certificate)')).toBe('<a href="#" data-guide="renew-certificate">renew</a>')
    expect(inline('[bad](javascript:alert(1))')).not.toContain('<a')
    expect(inline('[bad]("onmouseover="x)')).not.toContain('<a')
    // An unsafe link keeps its text, formatting included.
    expect(inline('[**mail**](mailto:a@b.dk) and [x](file:///etc/passwd)')).toBe('<strong>mail</strong> and x')
    expect(inline('<https://example.org/x>')).toBe('<a href="https://example.org/x" data-external="true" rel="noopener">https://example.org/x</a>')
    expect(inline('![logo](https://example.org/x.png)')).not.toContain('<img')
  })

  it('formats emphasis but not inside code or words', () => {
    expect(inline('*a* and _b_ and snake_case_name and `**c**`')).toBe(
      '<em>a</em> and <em>b</em> and snake_case_name and <code>**c**</code>',
    )
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;')
  })
})

describe('the guides', () => {
  const root = fileURLToPath(new URL('../../../locales/guides/', import.meta.url))
  const guides = readdirSync(root).flatMap((lang) => readdirSync(root + lang).map((f) => `${lang}/${f}`))
  const ALLOWED = new Set(['h2', 'h3', 'h4', 'h5', 'h6', 'p', 'ol', 'ul', 'li', 'strong', 'em', 'code', 'pre', 'a', 'blockquote', 'hr'])

  it('are all found', () => {
    expect(guides.length).toBeGreaterThanOrEqual(12)
  })

  it.each(guides)('%s renders with the guides’ tags only', (name) => {
    const html = renderMarkdown(readFileSync(root + name, 'utf8'))
    const tags = [...html.matchAll(/<\/?([a-z0-9]+)/g)].map((m) => m[1])
    expect(tags.filter((t) => !ALLOWED.has(t))).toEqual([])
    expect(tags).toContain('h2')
    expect(tags).toContain('p')
    // No Markdown is left over as text, such as an unclosed bold.
    expect(html).not.toMatch(/\*\*|^#/m)
    for (const a of html.match(/<a [^>]*>/g) ?? []) expect(a).toMatch(/ data-(external|guide)="/)
  })
})
