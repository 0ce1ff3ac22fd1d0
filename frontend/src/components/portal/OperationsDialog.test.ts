// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { ApiError } from '@/api'
import { i18n } from '@/i18n'
import { fake } from '@/test/api'
import OperationsDialog from './OperationsDialog.vue'

const op = (id: number, state: string) => ({ id, kind: 'install', state, filename: `f${id}.p12`, attempts: 0, createdAt: '' })
const all = (sel: string) => Array.from(document.querySelectorAll<HTMLElement>(`[data-testid=${sel}]`))

describe('OperationsDialog', () => {
  beforeEach(() => {
    fake.reset()
    i18n.global.locale.value = 'en'
    document.body.innerHTML = ''
    setActivePinia(createPinia())
  })

  it('cancels a pending or waiting operation, and dismisses a failed one', async () => {
    fake.portal.operations
      .mockResolvedValueOnce([op(1, 'pending'), op(2, 'needs_password'), op(3, 'failed')] as never)
      .mockResolvedValueOnce([op(1, 'failed'), op(2, 'needs_password'), op(3, 'failed')] as never)
    mount(OperationsDialog, { global: { plugins: [createPinia(), i18n] }, attachTo: document.body })
    await flushPromises()
    expect(all('operation-cancel').map((b) => b.textContent?.trim())).toEqual(['Cancel', 'Cancel'])
    expect(all('operation-dismiss')).toHaveLength(1)
    all('operation-cancel')[0].click()
    await flushPromises()
    expect(fake.portal.cancel).toHaveBeenCalledWith(1)
    expect(all('operation-cancel')).toHaveLength(1)
  })

  it('reloads the list when the operation ended meanwhile', async () => {
    fake.portal.operations.mockResolvedValue([op(1, 'pending')] as never)
    fake.portal.cancel.mockRejectedValueOnce(new ApiError('operation_ended', ''))
    mount(OperationsDialog, { global: { plugins: [createPinia(), i18n] }, attachTo: document.body })
    await flushPromises()
    all('operation-cancel')[0].click()
    await flushPromises()
    expect(fake.portal.operations).toHaveBeenCalledTimes(2)
  })
})
