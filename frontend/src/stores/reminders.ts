import { defineStore } from 'pinia'
import { ref } from 'vue'
import { onEvent, reminders as api } from '@/api'
import type { ReminderSetting, RemindTarget, TeamInput, TeamTestResult, TeamView } from '@/api'
import { useCertificatesStore } from './certificates'
import { useToastStore } from './toast'

/** How often coming back to the window reads the scheduled check's last run again, at most. */
export const TEAM_REFRESH_MS = 60_000

// The "Remind me" setting, and what a click on a reminder opens.
export const useRemindersStore = defineStore('reminders', () => {
  const setting = ref<ReminderSetting | null>(null)
  const open = ref(false)
  /** What the last clicked reminder is about, for the views that show integrations. */
  const target = ref<RemindTarget | null>(null)
  /** The team's channels and the scheduled check's last run. */
  const team = ref<TeamView | null>(null)
  let stop = () => {}

  let teamLoadedAt = 0

  async function loadTeam() {
    teamLoadedAt = Date.now()
    try {
      team.value = await api.team()
    } catch (err) {
      useToastStore().error(err)
    }
  }

  /** Saves the team's channels; false (and a toast) when they were not taken. */
  async function saveTeam(input: TeamInput): Promise<boolean> {
    try {
      team.value = await api.setTeam(input)
      return true
    } catch (err) {
      useToastStore().error(err)
      return false
    }
  }

  /** Sends a test message; the result says what happened, in words. */
  async function testTeam(channel: 'email' | 'webhook', input: TeamInput): Promise<TeamTestResult> {
    try {
      return await api.testTeam(channel, input)
    } catch (err) {
      useToastStore().error(err)
      return { ok: false, where: '', text: '' }
    }
  }

  async function load() {
    try {
      setting.value = await api.setting()
    } catch (err) {
      useToastStore().error(err)
    }
  }

  /** Saves the setting; false (and a toast) when it was not taken. */
  async function save(on: boolean, at: string): Promise<boolean> {
    try {
      setting.value = await api.setSetting(on, at)
      const toast = useToastStore()
      if (on) toast.info('remind.settings.savedOn', { time: setting.value.at })
      else toast.info('remind.settings.savedOff')
      return true
    } catch (err) {
      useToastStore().error(err)
      return false
    }
  }

  /** Opens what the reminder is about: its certificate's row, in DPG or on this PC. */
  function show(t: RemindTarget) {
    target.value = t
    const certificates = useCertificatesStore()
    // Its certificate first: the file may hold another one by now.
    const row =
      (t.sha256 && certificates.rows.find((r) => r.key === t.sha256)) || (t.path && certificates.rows.find((r) => r.files.includes(t.path!))) || null
    if (row) certificates.select(row.key)
  }

  /**
   * A window left open for days still notices when the scheduled check
   * stops, or runs again: coming back to it reads the last run again (at
   * most once a minute).
   */
  function refreshTeam() {
    if (document.visibilityState === 'visible' && Date.now() - teamLoadedAt >= TEAM_REFRESH_MS) void loadTeam()
  }

  function init() {
    stop = onEvent<RemindTarget>('remind:open', show)
    void load()
    void loadTeam()
    if (typeof document !== 'undefined') {
      document.addEventListener('visibilitychange', refreshTeam)
      window.addEventListener('focus', refreshTeam)
    }
  }

  function dispose() {
    stop()
    if (typeof document !== 'undefined') {
      document.removeEventListener('visibilitychange', refreshTeam)
      window.removeEventListener('focus', refreshTeam)
    }
  }

  return { setting, open, target, team, load, save, loadTeam, saveTeam, testTeam, show, init, dispose }
})
