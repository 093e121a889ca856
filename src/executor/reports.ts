// Decodes the helper's report stream: 16-byte records {type, a, b, c}, ended by EOF at exec.
import { ReportType, StepId, type StepName } from '../plan/wire-ids.js';
import type { Plan } from '../plan/types.js';
import { describeOp, describeStep } from '../plan/describe.js';
import { HelperProtocolError, SandboxSetupError } from '../errors.js';
import { errnoInfo } from './errno.js';

export type Report =
  | { readonly type: 'pid'; readonly pid: number }
  | { readonly type: 'error'; readonly opIndex: number; readonly step: StepName; readonly errno: number };

const stepNames = new Map<number, StepName>(Object.entries(StepId).map(([name, id]) => [id, name as StepName]));

export function decodeReports(bytes: Buffer): Report[] {
  if (bytes.length % 16 !== 0) throw new HelperProtocolError(`report stream of ${bytes.length} bytes is not whole records`);
  const reports: Report[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const type = bytes.readUInt32LE(at);
    if (type === ReportType.PID) {
      reports.push({ type: 'pid', pid: bytes.readUInt32LE(at + 4) });
    } else if (type === ReportType.ERROR) {
      const step = stepNames.get(bytes.readUInt32LE(at + 8));
      if (!step) throw new HelperProtocolError(`unknown step id ${bytes.readUInt32LE(at + 8)}`);
      reports.push({ type: 'error', opIndex: bytes.readInt32LE(at + 4), step, errno: bytes.readInt32LE(at + 12) });
    } else {
      throw new HelperProtocolError(`unknown report type ${type}`);
    }
  }
  return reports;
}

export function setupError(plan: Plan, report: Extract<Report, { type: 'error' }>): SandboxSetupError {
  const op = report.opIndex >= 0 ? plan.ops[report.opIndex] : undefined;
  const what = op ? describeOp(op) : describeStep(report.step, plan);
  const { name, text } = errnoInfo(report.errno);
  return new SandboxSetupError(what, report.opIndex, report.step, report.errno, name, text);
}
