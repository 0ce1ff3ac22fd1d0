import { useI18n } from 'vue-i18n'
import type { Certificate, Status } from '@/api'
import { useLocaleStore } from '@/stores/locale'
import { daysLeftText, formatDate, formatNumber } from '@/utils/format'

/** What the details list of a certificate: a file's facts, or what DPG's record has of them. */
export type FactSource = Pick<Certificate, 'commonName' | 'cvr' | 'uuid' | 'email' | 'notBefore' | 'notAfter' | 'daysLeft' | 'oces'> &
  Partial<Certificate>

export type Fact = readonly [key: string, value: string]

/**
 * The facts of a certificate in the details' order, in the window's
 * language; the empty ones, and those the source lacks (DPG's record has
 * no issuer), are left out. Both details panels list them so.
 */
export function useFacts() {
  const { t } = useI18n()
  const locale = useLocaleStore()
  const yesNo = (v: boolean | undefined) => (v === undefined ? '' : v ? t('common.yes') : t('common.no'))

  function certificateFacts(c: FactSource, status: Status): Fact[] {
    const d = daysLeftText(c.daysLeft, status)
    const facts: Array<[string, string | undefined]> = [
      ['commonName', c.commonName],
      ['organization', c.organization],
      ['cvr', c.cvr],
      ['uuid', c.uuid],
      ['email', c.email],
      ['subject', c.subject],
      ['issuer', c.issuer],
      ['serialNumber', c.serialNumber],
      ['notBefore', formatDate(c.notBefore, locale.lang, true)],
      ['notAfter', formatDate(c.notAfter, locale.lang, true)],
      ['daysLeft', t(d.key, { n: formatNumber(d.n, locale.lang), date: formatDate(c.notBefore, locale.lang) }, d.n)],
      ['keyAlgorithm', c.keyAlgorithm],
      ['signatureAlgorithm', c.signatureAlgorithm],
      ['oces', c.oces === 'oces2' ? t('details.oces2') : c.oces.toUpperCase()],
      ['isCA', yesNo(c.isCA)],
    ]
    return facts.filter((f): f is [string, string] => !!f[1])
  }

  return { certificateFacts, yesNo }
}
