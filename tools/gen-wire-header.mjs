#!/usr/bin/env node
// Writes native/wire_ids.h from the compiled wire ids (run `npx tsc -p .` first).
import { writeFileSync } from 'node:fs';
import { renderWireHeader } from '../dist/src/plan/wire-header.js';
writeFileSync(new URL('../native/wire_ids.h', import.meta.url), renderWireHeader());
