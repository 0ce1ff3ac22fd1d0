// Performance marks for make bench: when the header and the list were first
// painted (the frame after they were rendered). A playwright run reads them
// with performance.getEntriesByName; nothing else depends on them.
export const HEADER_PAINTED = 'dpgcerts:header-painted'
export const LIST_PAINTED = 'dpgcerts:list-painted'

/** markPainted marks name once, at the next frame (when what was rendered is on screen). */
export function markPainted(name: string): void {
  if (typeof performance === 'undefined' || typeof performance.mark !== 'function') return
  if (performance.getEntriesByName(name, 'mark').length) return
  const mark = () => {
    if (!performance.getEntriesByName(name, 'mark').length) performance.mark(name)
  }
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(mark)
  else mark()
}
