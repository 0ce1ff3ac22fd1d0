import { describe, expect, it } from 'vitest'
import { formProblems, isAddress, joinSmtp, parseLeadDays, splitAddresses, splitSmtp } from './teamForm'

describe('teamForm', () => {
  it('splits and joins the mail server address', () => {
    expect(splitSmtp('smtps://dpg%40kommune.dk@mail.kommune.dk:2465')).toEqual({ host: 'mail.kommune.dk', security: 'tls', port: '2465', user: 'dpg@kommune.dk' })
    expect(splitSmtp('smtp://127.0.0.1')).toEqual({ host: '127.0.0.1', security: 'starttls', port: '587', user: '' })
    expect(splitSmtp('')).toEqual({ host: '', security: 'starttls', port: '587', user: '' })
    for (const u of ['smtp://dpg%40kommune.dk@mail.kommune.dk:587', 'smtps://mail:465']) expect(joinSmtp(splitSmtp(u))).toBe(u)
    expect(joinSmtp({ host: ' ', security: 'tls', port: '', user: 'x' })).toBe('')
  })

  it('reads addresses and lead times', () => {
    expect(splitAddresses(' a@x.dk, b@y.dk;\nc@z.dk ,')).toEqual(['a@x.dk', 'b@y.dk', 'c@z.dk'])
    expect(parseLeadDays('7, 90,0, 7')).toEqual([90, 7, 0])
    for (const bad of ['', 'x', '-1', '400', '1.5']) expect(parseLeadDays(bad)).toBeNull()
  })

  it('says what keeps the e-mail from working, by field', () => {
    const ok = { host: 'smtp.kommune.dk', security: 'starttls' as const, port: '587', user: '', from: 'DPG <dpg@kommune.dk>', to: 'a@kommune.dk', contacts: {} }
    expect(formProblems(ok)).toEqual({})
    expect(formProblems({ ...ok, host: '', from: '', to: '', port: 'x' })).toEqual({})
    expect(formProblems({ ...ok, to: '' })).toEqual({ to: { key: 'toNeeded' } })
    expect(formProblems({ ...ok, host: '' })).toEqual({ host: { key: 'hostNeeded' } })
    expect(formProblems({ ...ok, from: '' })).toEqual({ from: { key: 'fromNeeded' } })
    expect(formProblems({ ...ok, from: 'dpg', to: 'a@kommune.dk, b kommune.dk', port: '70000', contacts: { i1: 'x@y.dk', i2: 'nope' } })).toEqual({
      from: { key: 'invalidAddress', params: { address: 'dpg' } },
      to: { key: 'invalidAddress', params: { address: 'b kommune.dk' } },
      port: { key: 'invalidPort' },
      'contact:i2': { key: 'invalidAddress', params: { address: 'nope' } },
    })
    expect(formProblems({ ...ok, host: '', from: '', to: '', contacts: { i1: 'x@y.dk' } })).toEqual({ contacts: { key: 'contactsNeedEmail' } })
    for (const a of ['a@x.dk', 'IT <it@x.dk>', 'dpg@localhost']) expect(isAddress(a)).toBe(true)
    for (const a of ['', 'a', 'a@', '@x', 'a b@x', 'a@x, b@y']) expect(isAddress(a)).toBe(false)
  })
})
