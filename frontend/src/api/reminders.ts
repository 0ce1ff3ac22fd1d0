// The wrapper over the bound app.Reminders struct.
import * as Reminders from '../../wailsjs/go/app/Reminders'
import type { channels } from '../../wailsjs/go/models'
import { call } from './call'
import type { ReminderSetting, TeamInput, TeamTestResult, TeamView } from './types'

export const reminders = {
  /** The "Remind me" setting. */
  setting: (): Promise<ReminderSetting> => call(() => Reminders.Setting() as Promise<unknown> as Promise<ReminderSetting>),
  /** Turns the daily reminder on at "HH:MM", or off; rejects with invalid_time or schedule_failed. */
  setSetting: (on: boolean, at: string): Promise<ReminderSetting> =>
    call(() => Reminders.SetSetting(on, at) as Promise<unknown> as Promise<ReminderSetting>),
  /** The team's channels and the scheduled check's last run. */
  team: (): Promise<TeamView> => call(() => Reminders.Team() as Promise<unknown> as Promise<TeamView>),
  /** Saves the team's channels (secrets to the keychain); rejects with invalid_setting, invalid_url, keychain_unavailable. */
  setTeam: (input: TeamInput): Promise<TeamView> =>
    call(() => Reminders.SetTeam(input as unknown as channels.Input) as Promise<unknown> as Promise<TeamView>),
  /** Sends a test message through "email" or "webhook" with the form's settings. */
  testTeam: (channel: 'email' | 'webhook', input: TeamInput): Promise<TeamTestResult> =>
    call(() => Reminders.TestTeam(channel, input as unknown as channels.Input) as Promise<unknown> as Promise<TeamTestResult>),
}
