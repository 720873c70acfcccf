export { hostileTools, seedNoteKey } from './lib/hostile-tools';
export { HOSTILE_DOORS, DOORS } from './lib/doors';
export type { Door, DoorOutcome, Target } from './lib/door';
export { runHostileBattery, expectedOutcomes, judged } from './lib/battery';
export type { BatteryReport, Expected, HostileDriver, StoredRow } from './lib/battery';
