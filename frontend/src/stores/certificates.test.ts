import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import type { ListChanges } from '@/api'
import { fake, listOf } from '@/test/api'
import { everyStatus, file } from '@/test/files'
import { pathOf, TILES } from '@/utils/overview'
import { useCertificatesStore } from './certificates'
import { useToastStore } from './toast'

describe('certificates store', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    fake.reset()
    fake.files = everyStatus()
  })

  it('is empty, not loading, only after a load with no files', async () => {
    const store = useCertificatesStore()
    expect(store.isEmpty).toBe(false)
    fake.files = []
    await store.load()
    expect(store.isEmpty).toBe(true)
  })

  it('keeps the tiles and the filtered list in agreement', async () => {
    const store = useCertificatesStore()
    await store.load()
    expect(store.visible).toHaveLength(7)
    for (const tile of TILES) {
      store.toggleFilter(tile)
      expect(store.filter).toBe(tile)
      expect(store.visible).toHaveLength(store.counts[tile])
      store.toggleFilter(tile) // again: cleared
      expect(store.filter).toBeNull()
      expect(store.visible).toHaveLength(7)
    }
    expect(store.counts).toEqual({ valid: 1, expiring: 1, invalid: 3, attention: 2 })
  })

  it('combines search and filter, and the tiles keep counting everything', async () => {
    const store = useCertificatesStore()
    await store.load()
    store.query = 'kommune'
    expect(store.visible.map(pathOf)).not.toContain('/c/locked.p12')
    store.toggleFilter('expiring')
    expect(store.visible.map(pathOf)).toEqual(['/c/expiring.p12'])
    expect(store.counts.valid).toBe(1)
    store.clearFilters()
    expect(store.visible).toHaveLength(7)
  })

  it('sorts by a column, and again the other way', async () => {
    fake.files = [file('/b.p12', 'valid'), file('/a.p12', 'valid')]
    const store = useCertificatesStore()
    await store.load()
    store.sortBy('file')
    expect(store.visible.map(pathOf)).toEqual(['/a.p12', '/b.p12'])
    store.sortBy('file')
    expect(store.visible.map(pathOf)).toEqual(['/b.p12', '/a.p12'])
  })

  it('keeps the last overview when a reload fails', async () => {
    const store = useCertificatesStore()
    await store.load()
    fake.portal.list.mockRejectedValueOnce({ code: 'internal', message: 'x' })
    await store.load()
    expect(store.rows).toHaveLength(7)
    expect(store.loadError).toBeTruthy()
    expect(useToastStore().toasts[0]).toMatchObject({ kind: 'error', key: 'errors.internal' })
  })
  it('loads one at a time: the first answer shows at once, and loads asked meanwhile make one more', async () => {
    const answers: Array<(l: ListChanges) => void> = []
    for (let i = 0; i < 2; i++) fake.portal.list.mockImplementationOnce(() => new Promise((resolve) => answers.push(resolve)))
    const store = useCertificatesStore()
    const first = store.load()
    const more = [store.load(), store.load(), store.load()]
    expect(fake.portal.list).toHaveBeenCalledTimes(1) // nothing races the first in Go
    answers[0]({ ...listOf(fake.files.slice(0, 1)) })
    await first
    expect(store.rows).toHaveLength(1) // not held back by the loads asked after it
    await vi.waitFor(() => expect(answers).toHaveLength(2))
    answers[1]({ ...listOf(fake.files) })
    await Promise.all(more)
    expect(fake.portal.list).toHaveBeenCalledTimes(2)
    expect(store.rows).toHaveLength(7)
    expect(store.loaded).toBe(true)
  })
  it('applies a reload\'s changes to the rows it holds, asking for those since its list', async () => {
    const store = useCertificatesStore()
    await store.load()
    const held = store.list!
    const [first, second] = store.rows
    const changed = { ...second, daysLeft: 1 }
    fake.portal.list.mockResolvedValueOnce({ ...held, generation: held.generation + 1, full: false, rows: [changed], removed: [first.key] })
    await store.load()
    expect(fake.portal.list).toHaveBeenLastCalledWith(held.generation)
    expect(store.rows).toHaveLength(held.rows.length - 1)
    expect(store.rows.find((r) => r.key === second.key)).toBe(changed)
    expect(store.rows.find((r) => r.key === first.key)).toBeUndefined()
    expect(store.rows[1]).toBe(held.rows[2]) // the others are the same objects
  })
})
