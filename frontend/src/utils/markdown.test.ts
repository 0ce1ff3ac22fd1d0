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
        '<p>Intro text wraps here.</p>',
        '<ol><li>One</li><li><strong>Two</strong></li></ol>',
        '<ul><li>a <code>code</code></li><li>b</li></ul>',
        '<h3>Next</h3>',
        '<blockquote><p>Note</p></blockquote>',
        '<hr>',
        '<pre><code>x &lt; y</code></pre>',
      ].join('\n'),
    )
  })

  it('keeps the number a list starts at', () => {
    expect(renderMarkdown('3. Three\n4. Four')).toBe('<ol start="3"><li>Three</li><li>Four</li></ol>')
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
  })

  it('formats emphasis but not inside code or words', () => {
    expect(inline('*a* and _b_ and snake_case_name and `**c**`')).toBe(
      '<em>a</em> and <em>b</em> and snake_case_name and <code>**c**</code>',
    )
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;')
  })
})
