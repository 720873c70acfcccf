export { hostileTools, seedNoteKey } from './lib/hostile-tools';
export { HOSTILE_DOORS, DOORS } from './lib/doors';
export type { Door, DoorOutcome, Target } from './lib/door';
export { runHostileBattery, expectedOutcomes, judged, judgeBattery, heldVerdict } from './lib/battery';
export type { BatteryReport, BatteryVerdict, Expected, HostileDriver, StoredRow } from './lib/battery';
