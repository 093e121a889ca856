// Checks systemd makes once a unit is fully parsed (service_verify() and friends); a failure makes
// the unit fail to load ("bad-setting"), as with systemd.
import type { UnitDiagnostic } from './diagnostics.js';
import { effectiveServiceType, type UnitSettings } from './settings.js';
import type { UnitType } from './unit-name.js';

/** Diagnostics name the unit (line 0), as systemd logs them: `foo.service: Service has …`. */
export function verifyUnit(settings: UnitSettings, type: UnitType, unitName: string): UnitDiagnostic[] {
  if (type !== 'service') return [];
  const s = settings.service;
  const refuse = (message: string): UnitDiagnostic => ({ severity: 'error', file: unitName, line: 0, message: `${message} Refusing.` });
  const out: UnitDiagnostic[] = [];
  const serviceType = effectiveServiceType(s);
  if (s.execStart.length === 0 && s.execStop.length === 0 && settings.unit.successAction === 'none') {
    out.push(refuse('Service has no ExecStart=, ExecStop=, or SuccessAction=.'));
  } else if (serviceType !== 'oneshot' && s.execStart.length === 0) {
    out.push(refuse('Service has no ExecStart= setting, which is only allowed for Type=oneshot services.'));
  }
  if (serviceType !== 'oneshot' && s.execStart.length > 1) {
    out.push(refuse('Service has more than one ExecStart= setting, which is only allowed for Type=oneshot services.'));
  }
  if (serviceType === 'oneshot' && (s.restart === 'always' || s.restart === 'on-success')) {
    out.push(refuse("Service has Restart= set to either always or on-success, which isn't allowed for Type=oneshot services."));
  }
  if (serviceType === 'dbus' && s.busName === undefined) {
    out.push(refuse('Service is of type D-Bus but no D-Bus service name has been specified.'));
  }
  return out;
}
