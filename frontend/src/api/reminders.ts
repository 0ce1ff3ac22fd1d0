// The wrapper over the bound app.Reminders struct.
import * as Reminders from '../../wailsjs/go/app/Reminders'
import { call } from './call'
import type { ReminderSetting } from './types'

export const reminders = {
  /** The "Remind me" setting. */
  setting: (): Promise<ReminderSetting> => call(() => Reminders.Setting() as Promise<unknown> as Promise<ReminderSetting>),
  /** Turns the daily reminder on at "HH:MM", or off; rejects with invalid_time or schedule_failed. */
  setSetting: (on: boolean, at: string): Promise<ReminderSetting> =>
    call(() => Reminders.SetSetting(on, at) as Promise<unknown> as Promise<ReminderSetting>),
}
