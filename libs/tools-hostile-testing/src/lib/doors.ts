import type { Door } from './door';
import { injectionDoors } from './doors/injection-doors';
import { leaseDoors } from './doors/lease-doors';
import { readDoors } from './doors/read-doors';
import { rawDoors } from './doors/raw-doors';
import { reflectionDoors } from './doors/reflection-doors';
import { writeDoors } from './doors/write-doors';

/** Every door the battery tries, in order. */
export const DOORS: readonly Door[] = [...rawDoors, ...injectionDoors, ...writeDoors, ...readDoors, ...reflectionDoors, ...leaseDoors];

/** Their names: the `door` argument of `hostile_probe`. */
export const HOSTILE_DOORS: readonly string[] = DOORS.map((door) => door.name);
