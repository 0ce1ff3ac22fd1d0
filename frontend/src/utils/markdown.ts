// The help guides' Markdown, rendered by markdown-it with raw HTML off
// (html: false): any tag in a guide shows as text, never as markup.
//
// On top of markdown-it's defaults:
// - headings move one level down (the guide's title sits under the panel's
//   own heading, so guides start at h2);
// - links: http(s) get data-external (HelpPanel opens them in the system
//   browser); a link to another guide ("renew-certificate.md" or
//   "#renew-certificate") gets data-guide; anything else (javascript:,
//   file:, mailto:) keeps only its text;
// - images are off: a guide never loads anything.
import MarkdownIt, { type Token } from 'markdown-it'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c])
}

const EXTERNAL = /^https?:\/\/[^\s"'<>]+$/i
const GUIDE = /^(?:#|\.\/)?([a-z0-9-]+)(?:\.md)?$/

/** The attributes of a safe link to href, or null when it may only be text. */
function linkAttrs(href: string): Array<[string, string]> | null {
  const url = href.trim()
  if (EXTERNAL.test(url)) return [['href', url], ['data-external', 'true'], ['rel', 'noopener']]
  const guide = GUIDE.exec(url)
  if (guide) return [['href', '#'], ['data-guide', guide[1]]]
  return null
}

/** Rewrites the links of one inline token's children; an unsafe link loses its tags, keeps its text. */
function rewriteLinks(children: Token[]): Token[] {
  const out: Token[] = []
  let dropping = false
  for (const tok of children) {
    if (tok.type === 'link_open') {
      const attrs = linkAttrs(String(tok.attrGet('href') ?? ''))
      if (!attrs) {
        dropping = true
        continue
      }
      tok.attrs = attrs
    } else if (tok.type === 'link_close' && dropping) {
      // Markdown links don't nest: this closes the dropped one.
      dropping = false
      continue
    }
    out.push(tok)
  }
  return out
}

const md = new MarkdownIt({ html: false, linkify: false, typographer: false })
md.disable('image')
// Every link is judged by linkAttrs above, which allows less than
// markdown-it's own check; letting all through here means an unsafe link
// still parses as a link, and so can be reduced to its text.
md.validateLink = () => true

md.core.ruler.push('dpgcerts_guides', (state) => {
  for (const tok of state.tokens) {
    if (tok.type === 'heading_open' || tok.type === 'heading_close') {
      tok.tag = `h${Math.min(Number(tok.tag.slice(1)) + 1, 6)}`
    } else if (tok.type === 'inline' && tok.children) {
      tok.children = rewriteLinks(tok.children)
    }
  }
  return true
})

/** Renders inline Markdown (one line, no blocks) to safe HTML. */
export function inline(raw: string): string {
  return md.renderInline(raw)
}

/** Renders a whole Markdown document to safe HTML. */
export function renderMarkdown(source: string): string {
  return md.render(source)
}
