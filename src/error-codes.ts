// Every error class nsbox throws, by its stable code: the one table a caller (or the other end of
// a socket) goes by. test/unit/error-codes.test.ts checks that every class in src/ is listed under
// its own code. rebuildError() turns a serialized error back into an instance of its class.
import { HelperError, HelperProtocolError, InvalidPlanError, NsboxError, SandboxSetupError, TreeFileError, type SerializedError } from './errors.js';
import { UnitValueError } from './unit/errors.js';
import { ExecSetupError, EnvironmentFileMissingError } from './sandbox/errors.js';
import {
  CommandNotFoundError, NoInitError, NoSuchImageError, NotAnOsTreeError, NspawnSettingsError, NspawnUnsupportedError, NspawnUsageError,
  TreeMissingError, UnknownUserError,
} from './nspawn/errors.js';
import { MachineBusyError } from './machines/registry.js';
import { SandboxOptionError } from './api/options.js';
import { NoSuchMachineError } from './machines/running.js';
import { MachineNotReadyError } from './machines/machine-control.js';
import { FileFlagsError } from './machines/file-flags.js';
import { MachineCopyError } from './machines/tree-copy.js';
import { ImageBusyError, ImageExistsError, ImageNotFoundError, ImageOperationError, ImageReadOnlyError, InvalidImageNameError } from './machines/image-errors.js';
import { UidRangeBusyError } from './machines/uid-range.js';
import { EnablementError, NotAServiceError, UnitNotLoadedError } from './service/errors.js';
import { UnknownSyscallGroupError } from './seccomp/groups.js';
import { SeccompCompileError } from './seccomp/libseccomp.js';
import { DevicePolicyError } from './cgroups/device-policy.js';
import { SecurityInputError } from './security-score/errors.js';
import { SecurityPolicyError } from './security-score/score.js';
import { JobConflictError, JobOrderingCycleError, JobTypeNotApplicableError, JobUnitNotFoundError } from './manager/jobs.js';
import { ManagerConnectionError, ManagerRequestError, NoSuchProcessError, ServiceCgroupBusyError, UnitNotInMemoryError } from './manager/errors.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ErrorClass = abstract new (...args: any[]) => NsboxError;

export const ERROR_CLASSES = {
  SANDBOX_SETUP: SandboxSetupError,
  HELPER: HelperError,
  HELPER_PROTOCOL: HelperProtocolError,
  INVALID_PLAN: InvalidPlanError,
  TREE_FILE: TreeFileError,
  UNIT_VALUE: UnitValueError,
  EXEC_SETUP: ExecSetupError,
  ENVIRONMENT_FILE_MISSING: EnvironmentFileMissingError,
  NSPAWN_USAGE: NspawnUsageError,
  NSPAWN_UNSUPPORTED: NspawnUnsupportedError,
  NSPAWN_SETTINGS: NspawnSettingsError,
  NSPAWN_TREE_MISSING: TreeMissingError,
  NSPAWN_NOT_OS_TREE: NotAnOsTreeError,
  NSPAWN_UNKNOWN_USER: UnknownUserError,
  NSPAWN_NO_INIT: NoInitError,
  NSPAWN_NO_SUCH_IMAGE: NoSuchImageError,
  NSPAWN_COMMAND_NOT_FOUND: CommandNotFoundError,
  MACHINE_BUSY: MachineBusyError,
  SANDBOX_OPTION: SandboxOptionError,
  NO_SUCH_MACHINE: NoSuchMachineError,
  MACHINE_NOT_READY: MachineNotReadyError,
  FILE_FLAGS: FileFlagsError,
  MACHINE_COPY: MachineCopyError,
  IMAGE_INVALID_NAME: InvalidImageNameError,
  IMAGE_NOT_FOUND: ImageNotFoundError,
  IMAGE_EXISTS: ImageExistsError,
  IMAGE_BUSY: ImageBusyError,
  IMAGE_READ_ONLY: ImageReadOnlyError,
  IMAGE_OPERATION: ImageOperationError,
  UID_RANGE_BUSY: UidRangeBusyError,
  UNIT_NOT_LOADED: UnitNotLoadedError,
  NOT_A_SERVICE: NotAServiceError,
  UNKNOWN_SYSCALL_GROUP: UnknownSyscallGroupError,
  SECCOMP_COMPILE: SeccompCompileError,
  DEVICE_POLICY: DevicePolicyError,
  SECURITY_INPUT: SecurityInputError,
  SECURITY_POLICY: SecurityPolicyError,
  JOB_UNIT_NOT_FOUND: JobUnitNotFoundError,
  JOB_CONFLICT: JobConflictError,
  JOB_ORDERING_CYCLE: JobOrderingCycleError,
  JOB_TYPE_NOT_APPLICABLE: JobTypeNotApplicableError,
  MANAGER_CONNECTION: ManagerConnectionError,
  MANAGER_REQUEST: ManagerRequestError,
  SERVICE_CGROUP_BUSY: ServiceCgroupBusyError,
  ENABLEMENT: EnablementError,
  UNIT_NOT_IN_MEMORY: UnitNotInMemoryError,
  NO_SUCH_PROCESS: NoSuchProcessError,
} as const satisfies Record<string, ErrorClass>;

export type ErrorCode = keyof typeof ERROR_CLASSES;

/**
 * The error a SerializedError describes, as an instance of its own class (so `instanceof` and
 * `code` work on the receiving side), with its message and fields. An unknown code is refused.
 */
export function rebuildError(serialized: SerializedError): NsboxError {
  if (!Object.hasOwn(ERROR_CLASSES, serialized.code)) throw new HelperProtocolError(`unknown error code ${JSON.stringify(serialized.code)}`);
  const cls = ERROR_CLASSES[serialized.code as ErrorCode];
  // The class's constructor is not run: its parameters are the fields, already computed.
  const err = Reflect.construct(Error, [serialized.message], cls) as NsboxError;
  Object.assign(err, serialized.fields, { code: serialized.code, name: cls.name });
  return err;
}
