// @vitest-environment jsdom
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { nextTick } from 'vue'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { i18n } from '@/i18n'
import { useScanStore } from '@/stores/scan'
import { fake } from '@/test/api'
import { freshScreen } from '@/test/setup'
import ScanProgress from './ScanProgress.vue'

describe('ScanProgress', () => {
  beforeEach(freshScreen)

  it('is indeterminate while the walk still finds files, then shows the share, the pace and the time left', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    const scan = useScanStore()
    await scan.init()
    const w = mount(ScanProgress, { global: { plugins: [pinia, i18n] } })
    vi.useFakeTimers()
    try {
      fake.emit('scan:started', { running: true, done: 0, total: 0, counted: false, path: '' })
      vi.advanceTimersByTime(2000)
      fake.emit('scan:progress', { running: true, done: 400, total: 400, counted: false, path: '/f/a.p12' })
      await nextTick()
      const bar = w.get('[data-testid=scan-progress]')
      expect(bar.attributes('data-counted')).toBe('false')
      expect(bar.attributes('aria-valuenow')).toBeUndefined()
      expect(w.text()).toContain('400 read, 400 found so far')
      expect(w.get('[data-testid=scan-pace]').text()).toBe('200 files/s')

      vi.advanceTimersByTime(2000)
      fake.emit('scan:progress', { running: true, done: 800, total: 1000, counted: true, path: '/f/b.p12' })
      await nextTick()
      expect(bar.attributes('data-counted')).toBe('true')
      expect(bar.attributes('aria-valuenow')).toBe('800')
      expect(w.text()).toContain('Reading files: 800 of 1,000')
      expect(w.get('[data-testid=scan-pace]').text()).toBe('200 files/s · about 1 s left')
    } finally {
      vi.useRealTimers()
      w.unmount()
    }
  })
})
