// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { ApiError } from '@/api/call'
import { usePasswordStore } from '@/stores/password'
import { fake } from '@/test/api'
import { file } from '@/test/files'
import { freshScreen, mountOptions } from '@/test/setup'
import PasswordDialog from './PasswordDialog.vue'

describe('PasswordDialog', () => {
  beforeEach(freshScreen)

  function setup() {
    const w = mount(PasswordDialog, mountOptions())
    return { w, store: usePasswordStore() }
  }

  it('is hidden until a file needs a password', async () => {
    const { w, store } = setup()
    expect(w.find('[data-testid=password-dialog]').exists()).toBe(false)
    store.ask(['/new/fornyet.p12'])
    await flushPromises()
    expect(w.get('[data-testid=password-dialog]').text()).toContain('fornyet.p12')
    expect(document.activeElement?.getAttribute('data-testid')).toBe('password-input')
    w.unmount()
  })

  it('says a wrong password is wrong, then takes the right one with remember', async () => {
    const { w, store } = setup()
    store.ask(['/new/fornyet.p12'])
    await flushPromises()
    fake.certificates.unlock.mockRejectedValueOnce(new ApiError('wrong_password', ''))
    await w.get('[data-testid=password-input]').setValue('forkert')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(w.get('[data-testid=password-error]').text()).toBe('Wrong password. Check it and try again.')
    expect(w.find('[data-testid=password-dialog]').exists()).toBe(true)

    fake.certificates.unlock.mockResolvedValueOnce({ file: file('/new/fornyet.p12', 'valid'), remembered: true })
    await w.get('[data-testid=password-input]').setValue('Fornyet-2026!')
    await w.get('[data-testid=password-remember]').setValue(true)
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(fake.certificates.unlock).toHaveBeenLastCalledWith('/new/fornyet.p12', 'Fornyet-2026!', true)
    expect(w.find('[data-testid=password-dialog]').exists()).toBe(false)
    w.unmount()
  })

  it('skips the file with Esc', async () => {
    const { w, store } = setup()
    store.ask(['/a.p12'])
    await flushPromises()
    await w.get('[data-testid=password-dialog]').trigger('keydown', { key: 'Escape' })
    expect(store.current).toBeNull()
    w.unmount()
  })
  it('offers to remember the password only where a keychain answers', async () => {
    fake.app.keychain.mockResolvedValueOnce(false)
    const { w, store } = setup()
    store.ask(['/new/fornyet.p12'])
    await flushPromises()
    expect(fake.app.keychain).toHaveBeenCalledTimes(1)
    expect(w.find('[data-testid=password-remember]').exists()).toBe(false)
    expect(w.find('[data-testid=password-show]').exists()).toBe(true)
    fake.certificates.unlock.mockResolvedValueOnce({ file: file('/new/fornyet.p12', 'valid'), remembered: false })
    await w.get('[data-testid=password-input]').setValue('Fornyet-2026!')
    await w.get('form').trigger('submit')
    await flushPromises()
    expect(fake.certificates.unlock).toHaveBeenLastCalledWith('/new/fornyet.p12', 'Fornyet-2026!', false)
    // A keychain that was not up yet is asked again when the dialog next opens.
    store.ask(['/new/anden.p12'])
    await flushPromises()
    expect(fake.app.keychain).toHaveBeenCalledTimes(2)
    expect(w.find('[data-testid=password-remember]').exists()).toBe(true)
    w.unmount()
  })
})
