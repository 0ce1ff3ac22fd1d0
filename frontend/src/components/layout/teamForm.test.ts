import { describe, expect, it } from 'vitest'
import { joinSmtp, parseLeadDays, splitAddresses, splitSmtp } from './teamForm'

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
})
