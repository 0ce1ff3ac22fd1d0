// @vitest-environment jsdom
import { flushPromises, mount } from '@vue/test-utils'
import { beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('@/api', async (orig) => (await import('@/test/api')).mockApi(await orig()))

import { ApiError } from '@/api/call'
import { GUIDE_IDS, useHelpStore } from '@/stores/help'
import { useLocaleStore } from '@/stores/locale'
import { fake } from '@/test/api'
import { freshScreen, mountOptions } from '@/test/setup'
import HelpButton from './HelpButton.vue'
import HelpPanel from './HelpPanel.vue'

describe('HelpPanel', () => {
  beforeEach(freshScreen)

  function setup() {
    const { global } = mountOptions(false)
    const button = mount(HelpButton, { global })
    const panel = mount(HelpPanel, { global, attachTo: document.body })
    return { button, panel }
  }

  it('lists the six guides and renders the one picked', async () => {
    fake.help.guides.mockResolvedValue([{ id: 'renew-certificate', title: 'Renew an organisation certificate', available: true }])
    fake.help.guide.mockResolvedValue('# Renew\n\n1. Log in to **MitID Erhverv**.\n\n<script>alert(1)</script>')
    const { button, panel } = setup()
    await button.get('[data-testid=help-button]').trigger('click')
    await flushPromises()
    const links = panel.findAll('[data-testid=guide-link]')
    expect(links.map((l) => l.attributes('data-guide'))).toEqual([...GUIDE_IDS])
    expect(links[1].text()).toBe('Renew an organisation certificate')
    expect(links[0].text()).toBe('Create a new organisation certificate') // the fallback title

    await links[1].trigger('click')
    await flushPromises()
    expect(fake.help.guide).toHaveBeenLastCalledWith('en', 'renew-certificate')
    const content = panel.get('[data-testid=guide-content]')
    expect(content.get('strong').text()).toBe('MitID Erhverv')
    expect(content.find('script').exists()).toBe(false)
    expect(content.text()).toContain('<script>')
    panel.unmount()
  })

  it('shows a clear fallback for a guide not written yet', async () => {
    fake.help.guide.mockRejectedValue(new ApiError('guide_missing', ''))
    const { panel } = setup()
    await useHelpStore().openPanel('digital-post')
    await flushPromises()
    const content = panel.get('[data-testid=guide-content]')
    expect(content.attributes('data-guide')).toBe('digital-post')
    expect(content.text()).toContain('This guide is not available yet')
    panel.unmount()
  })

  it('follows a link to another guide, and reloads in the new language', async () => {
    fake.help.guide.mockResolvedValue('See [renewal](renew-certificate.md).')
    const { panel } = setup()
    await useHelpStore().openPanel('exchange-online')
    await flushPromises()
    await panel.get('[data-guide="renew-certificate"] ').trigger('click')
    await panel.get('[data-testid=guide-content] a').trigger('click')
    await flushPromises()
    expect(fake.help.guide).toHaveBeenLastCalledWith('en', 'renew-certificate')
    useLocaleStore().set('da')
    await flushPromises()
    expect(fake.help.guide).toHaveBeenLastCalledWith('da', 'renew-certificate')
    expect(fake.help.guides).toHaveBeenLastCalledWith('da')
    panel.unmount()
  })

  it('shows the guide left open in the language chosen while the panel was closed', async () => {
    fake.help.guide.mockImplementation(async (lang: string) => (lang === 'da' ? '# Forny' : '# Renew'))
    const { button, panel } = setup()
    await useHelpStore().openPanel('renew-certificate')
    await flushPromises()
    expect(panel.get('[data-testid=guide-content]').text()).toBe('Renew')
    useHelpStore().close()
    await flushPromises()
    useLocaleStore().set('da')
    await flushPromises()
    await button.get('[data-testid=help-button]').trigger('click')
    await flushPromises()
    expect(panel.get('[data-testid=guide-content]').text()).toBe('Forny')
    panel.unmount()
  })
})
