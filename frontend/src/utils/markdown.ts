// A small Markdown renderer for the help guides. It escapes all text first
// and then adds only the few tags it knows, so a guide can never inject
// HTML or script. It covers what the guides use: headings, paragraphs,
// ordered and bulleted lists, block quotes, code, bold, italics and links.
//
// Links: http(s) get data-external (opened in the system browser); a link to
// another guide ("renew-certificate.md" or "#renew-certificate") gets
// data-guide; anything else (javascript:, file:) stays plain text.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c])
}

function link(text: string, href: string): string {
  const url = href.trim()
  if (/^https?:\/\/[^\s"'<>]+$/i.test(url)) {
    return `<a href="${escapeHtml(url)}" data-external="true" rel="noopener">${text}</a>`
  }
  const guide = /^(?:#|\.\/)?([a-z0-9-]+)(?:\.md)?$/.exec(url)
  if (guide) return `<a href="#" data-guide="${guide[1]}">${text}</a>`
  return text
}

/** Renders inline Markdown in one line of (unescaped) text. */
export function inline(raw: string): string {
  // Code spans first, kept aside so their content is not formatted.
  const codes: string[] = []
  let s = raw.replace(/`([^`]+)`/g, (_m, code: string) => {
    codes.push(`<code>${escapeHtml(code)}</code>`)
    return `\u0000${codes.length - 1}\u0000`
  })
  s = escapeHtml(s)
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, text: string, href: string) =>
    link(text, href.replace(/&amp;/g, '&')),
  )
  s = s.replace(/\*\*(?=\S)(.+?)\*\*/g, '<strong>$1</strong>')
  s = s.replace(/__(?=\S)(.+?)__/g, '<strong>$1</strong>')
  s = s.replace(/(^|[^*\w])\*(?=\S)([^*]+?)\*(?!\w)/g, '$1<em>$2</em>')
  s = s.replace(/(^|[^_\w])_(?=\S)([^_]+?)_(?!\w)/g, '$1<em>$2</em>')
  // eslint-disable-next-line no-control-regex
  return s.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => codes[Number(i)])
}

type Block = { kind: 'p' | 'ul' | 'ol' | 'quote'; lines: string[]; start?: number }

/** Renders a whole Markdown document to safe HTML. */
export function renderMarkdown(md: string): string {
  const out: string[] = []
  let block: Block | null = null
  let fence: string[] | null = null

  const flush = () => {
    if (!block) return
    const b = block
    block = null
    switch (b.kind) {
      case 'p':
        out.push(`<p>${b.lines.map(inline).join(' ')}</p>`)
        break
      case 'quote':
        out.push(`<blockquote><p>${b.lines.map(inline).join(' ')}</p></blockquote>`)
        break
      case 'ul':
      case 'ol': {
        const items = b.lines.map((l) => `<li>${inline(l)}</li>`).join('')
        const start = b.kind === 'ol' && b.start && b.start !== 1 ? ` start="${b.start}"` : ''
        out.push(`<${b.kind}${start}>${items}</${b.kind}>`)
        break
      }
    }
  }

  for (const rawLine of md.replace(/\r\n?/g, '\n').split('\n')) {
    if (fence) {
      if (/^\s*```/.test(rawLine)) {
        out.push(`<pre><code>${escapeHtml(fence.join('\n'))}</code></pre>`)
        fence = null
      } else {
        fence.push(rawLine)
      }
      continue
    }
    const line = rawLine.trimEnd()
    if (/^\s*```/.test(line)) {
      flush()
      fence = []
      continue
    }
    if (line.trim() === '') {
      flush()
      continue
    }
    let m: RegExpExecArray | null
    if ((m = /^(#{1,6})\s+(.*?)\s*#*$/.exec(line))) {
      flush()
      // The guide's title is the panel's heading: guides start at h2.
      const level = Math.min(m[1].length + 1, 6)
      out.push(`<h${level}>${inline(m[2])}</h${level}>`)
      continue
    }
    if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush()
      out.push('<hr>')
      continue
    }
    if ((m = /^\s*[-*+]\s+(.*)$/.exec(line))) {
      if (block?.kind !== 'ul') {
        flush()
        block = { kind: 'ul', lines: [] }
      }
      block.lines.push(m[1])
      continue
    }
    if ((m = /^\s*(\d+)[.)]\s+(.*)$/.exec(line))) {
      if (block?.kind !== 'ol') {
        flush()
        block = { kind: 'ol', lines: [], start: Number(m[1]) }
      }
      block.lines.push(m[2])
      continue
    }
    if ((m = /^\s*>\s?(.*)$/.exec(line))) {
      if (block?.kind !== 'quote') {
        flush()
        block = { kind: 'quote', lines: [] }
      }
      block.lines.push(m[1])
      continue
    }
    // A continuation line of a list item, or a paragraph line.
    if ((block?.kind === 'ul' || block?.kind === 'ol') && /^\s+\S/.test(rawLine)) {
      block.lines[block.lines.length - 1] += ' ' + line.trim()
      continue
    }
    if (block?.kind !== 'p') {
      flush()
      block = { kind: 'p', lines: [] }
    }
    block.lines.push(line.trim())
  }
  if (fence) out.push(`<pre><code>${escapeHtml(fence.join('\n'))}</code></pre>`)
  flush()
  return out.join('\n')
}
