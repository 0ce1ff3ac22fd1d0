// @vitest-environment jsdom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { i18n } from '@/i18n'
import ModalDialog from './ModalDialog.vue'

describe('ModalDialog', () => {
  it('takes the focus, keeps Tab inside, closes on Esc and gives the focus back', async () => {
    document.body.innerHTML = '<button id="before">before</button>'
    const before = document.getElementById('before')!
    before.focus()
    const w = mount(ModalDialog, {
      props: { title: 'Title', testid: 'dlg' },
      slots: { default: '<input id="first" autofocus /><button id="last">Last</button>' },
      global: { plugins: [i18n] },
      attachTo: document.body,
    })
    await nextTick()
    await nextTick()
    expect(document.activeElement?.id).toBe('first')
    expect(w.get('[role=dialog]').attributes('aria-modal')).toBe('true')

    document.getElementById('last')!.focus()
    await w.get('[data-testid=dlg]').trigger('keydown', { key: 'Tab' })
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Close') // wrapped to the first

    await w.get('[data-testid=dlg]').trigger('keydown', { key: 'Escape' })
    expect(w.emitted('close')).toHaveLength(1)
    w.unmount()
    expect(document.activeElement).toBe(before)
  })
})
