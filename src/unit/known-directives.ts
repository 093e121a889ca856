// Every directive systemd 252 knows, by section (from `systemd --dump-configuration-items`).
// A key listed here but not modelled by the directive table is accepted and kept verbatim, so a
// unit using it loads as it does under systemd; a key not listed here is "unknown".

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);

/** Resource-control keys: every unit type with a cgroup (service, socket, mount, swap, slice, scope). */
const RESOURCE_CONTROL = words(`
  Slice AllowedCPUs StartupAllowedCPUs AllowedMemoryNodes StartupAllowedMemoryNodes CPUAccounting
  CPUWeight StartupCPUWeight CPUShares StartupCPUShares CPUQuota CPUQuotaPeriodSec MemoryAccounting
  MemoryMin DefaultMemoryMin DefaultMemoryLow MemoryLow MemoryHigh MemoryMax MemorySwapMax
  MemoryLimit DeviceAllow DevicePolicy IOAccounting IOWeight StartupIOWeight IODeviceWeight
  IOReadBandwidthMax IOWriteBandwidthMax IOReadIOPSMax IOWriteIOPSMax IODeviceLatencyTargetSec
  BlockIOAccounting BlockIOWeight StartupBlockIOWeight BlockIODeviceWeight BlockIOReadBandwidth
  BlockIOWriteBandwidth TasksAccounting TasksMax Delegate DisableControllers IPAccounting
  IPAddressAllow IPAddressDeny IPIngressFilterPath IPEgressFilterPath ManagedOOMSwap
  ManagedOOMMemoryPressure ManagedOOMMemoryPressureLimit ManagedOOMPreference BPFProgram
  SocketBindAllow SocketBindDeny RestrictNetworkInterfaces
`);

/** Exec and kill keys, shared by the unit types that start processes (service, socket, mount, swap). */
const EXEC_AND_KILL = words(`
  TimeoutSec WorkingDirectory RootDirectory RootImage RootImageOptions RootHash RootHashSignature
  RootVerity ExtensionDirectories ExtensionImages MountImages User Group SupplementaryGroups Nice
  OOMScoreAdjust CoredumpFilter IOSchedulingClass IOSchedulingPriority CPUSchedulingPolicy
  CPUSchedulingPriority CPUSchedulingResetOnFork CPUAffinity NUMAPolicy NUMAMask UMask Environment
  EnvironmentFile PassEnvironment UnsetEnvironment DynamicUser RemoveIPC StandardInput
  StandardOutput StandardError StandardInputText StandardInputData TTYPath TTYReset TTYVHangup
  TTYVTDisallocate TTYRows TTYColumns SyslogIdentifier SyslogFacility SyslogLevel SyslogLevelPrefix
  LogLevelMax LogRateLimitIntervalSec LogRateLimitBurst LogExtraFields SecureBits
  CapabilityBoundingSet AmbientCapabilities TimerSlackNSec NoNewPrivileges KeyringMode ProtectProc
  ProcSubset SystemCallFilter SystemCallArchitectures SystemCallErrorNumber SystemCallLog
  MemoryDenyWriteExecute RestrictNamespaces RestrictRealtime RestrictSUIDSGID
  RestrictAddressFamilies LockPersonality RestrictFileSystems LimitCPU LimitFSIZE LimitDATA
  LimitSTACK LimitCORE LimitRSS LimitNOFILE LimitAS LimitNPROC LimitMEMLOCK LimitLOCKS
  LimitSIGPENDING LimitMSGQUEUE LimitNICE LimitRTPRIO LimitRTTIME ReadWriteDirectories
  ReadOnlyDirectories InaccessibleDirectories ReadWritePaths ReadOnlyPaths InaccessiblePaths
  ExecPaths NoExecPaths ExecSearchPath BindPaths BindReadOnlyPaths TemporaryFileSystem PrivateTmp
  PrivateDevices ProtectKernelTunables ProtectKernelModules ProtectKernelLogs ProtectClock
  ProtectControlGroups NetworkNamespacePath IPCNamespacePath LogNamespace PrivateNetwork
  PrivateUsers PrivateMounts PrivateIPC ProtectSystem ProtectHome MountFlags MountAPIVFS
  Personality RuntimeDirectoryPreserve RuntimeDirectoryMode RuntimeDirectory StateDirectoryMode
  StateDirectory CacheDirectoryMode CacheDirectory LogsDirectoryMode LogsDirectory
  ConfigurationDirectoryMode ConfigurationDirectory SetCredential SetCredentialEncrypted
  LoadCredential LoadCredentialEncrypted TimeoutCleanSec PAMName IgnoreSIGPIPE UtmpIdentifier
  UtmpMode SELinuxContext AppArmorProfile SmackProcessLabel ProtectHostname SendSIGKILL SendSIGHUP
  KillMode KillSignal RestartKillSignal FinalKillSignal WatchdogSignal
`);

export const SYSTEMD_252_DIRECTIVES: Readonly<Record<string, ReadonlySet<string>>> = {
  Unit: new Set(words(`
    Description Documentation SourcePath Requires Requisite Wants BindsTo BindTo Upholds Conflicts
    Before After OnSuccess OnFailure PropagatesReloadTo PropagateReloadTo ReloadPropagatedFrom
    PropagateReloadFrom PropagatesStopTo StopPropagatedFrom PartOf JoinsNamespaceOf
    RequiresOverridable RequisiteOverridable RequiresMountsFor StopWhenUnneeded RefuseManualStart
    RefuseManualStop AllowIsolate DefaultDependencies OnSuccessJobMode OnFailureJobMode
    OnFailureIsolate IgnoreOnIsolate JobTimeoutSec JobRunningTimeoutSec JobTimeoutAction
    JobTimeoutRebootArgument StartLimitIntervalSec StartLimitInterval StartLimitBurst
    StartLimitAction FailureAction SuccessAction FailureActionExitStatus SuccessActionExitStatus
    RebootArgument ConditionPathExists ConditionPathExistsGlob ConditionPathIsDirectory
    ConditionPathIsSymbolicLink ConditionPathIsMountPoint ConditionPathIsReadWrite
    ConditionPathIsEncrypted ConditionDirectoryNotEmpty ConditionFileNotEmpty
    ConditionFileIsExecutable ConditionNeedsUpdate ConditionFirstBoot ConditionArchitecture
    ConditionFirmware ConditionVirtualization ConditionHost ConditionKernelCommandLine
    ConditionKernelVersion ConditionCredential ConditionSecurity ConditionCapability
    ConditionACPower ConditionMemory ConditionCPUFeature ConditionCPUs ConditionEnvironment
    ConditionUser ConditionGroup ConditionControlGroupController ConditionOSRelease
    ConditionMemoryPressure ConditionCPUPressure ConditionIOPressure AssertPathExists
    AssertPathExistsGlob AssertPathIsDirectory AssertPathIsSymbolicLink AssertPathIsMountPoint
    AssertPathIsReadWrite AssertPathIsEncrypted AssertDirectoryNotEmpty AssertFileNotEmpty
    AssertFileIsExecutable AssertNeedsUpdate AssertFirstBoot AssertArchitecture
    AssertVirtualization AssertHost AssertKernelCommandLine AssertKernelVersion AssertCredential
    AssertSecurity AssertCapability AssertACPower AssertMemory AssertCPUFeature AssertCPUs
    AssertEnvironment AssertUser AssertGroup AssertControlGroupController AssertOSRelease
    AssertMemoryPressure AssertCPUPressure AssertIOPressure CollectMode
  `)),
  Service: new Set([...words(`
    PIDFile ExecCondition ExecStartPre ExecStart ExecStartPost ExecReload ExecStop ExecStopPost
    RestartSec TimeoutStartSec TimeoutStopSec TimeoutAbortSec TimeoutStartFailureMode
    TimeoutStopFailureMode RuntimeMaxSec RuntimeRandomizedExtraSec WatchdogSec StartLimitInterval
    StartLimitBurst StartLimitAction FailureAction RebootArgument Type ExitType Restart
    PermissionsStartOnly RootDirectoryStartOnly RemainAfterExit GuessMainPID
    RestartPreventExitStatus RestartForceExitStatus SuccessExitStatus NonBlocking BusName
    FileDescriptorStoreMax NotifyAccess Sockets USBFunctionDescriptors USBFunctionStrings OOMPolicy
  `), ...EXEC_AND_KILL, ...RESOURCE_CONTROL]),
  Socket: new Set([...words(`
    ListenStream ListenDatagram ListenSequentialPacket ListenFIFO ListenNetlink ListenSpecial
    ListenMessageQueue ListenUSBFunction SocketProtocol BindIPv6Only Backlog BindToDevice
    ExecStartPre ExecStartPost ExecStopPre ExecStopPost SocketUser SocketGroup SocketMode
    DirectoryMode Accept FlushPending Writable MaxConnections MaxConnectionsPerSource KeepAlive
    KeepAliveTimeSec KeepAliveIntervalSec KeepAliveProbes DeferAcceptSec NoDelay Priority
    ReceiveBuffer SendBuffer IPTOS IPTTL Mark PipeSize FreeBind Transparent Broadcast
    PassCredentials PassSecurity PassPacketInfo Timestamping TCPCongestion ReusePort
    MessageQueueMaxMessages MessageQueueMessageSize RemoveOnStop Symlinks FileDescriptorName
    Service TriggerLimitIntervalSec TriggerLimitBurst SmackLabel SmackLabelIPIn SmackLabelIPOut
    SELinuxContextFromNet
  `), ...EXEC_AND_KILL, ...RESOURCE_CONTROL]),
  Mount: new Set([...words(`
    What Where Options Type DirectoryMode SloppyOptions LazyUnmount ForceUnmount ReadWriteOnly
  `), ...EXEC_AND_KILL, ...RESOURCE_CONTROL]),
  Automount: new Set(words(`
    Where ExtraOptions DirectoryMode TimeoutIdleSec
  `)),
  Swap: new Set([...words(`
    What Priority Options
  `), ...EXEC_AND_KILL, ...RESOURCE_CONTROL]),
  Timer: new Set(words(`
    OnCalendar OnActiveSec OnBootSec OnStartupSec OnUnitActiveSec OnUnitInactiveSec OnClockChange
    OnTimezoneChange Persistent WakeSystem RemainAfterElapse FixedRandomDelay AccuracySec
    RandomizedDelaySec Unit
  `)),
  Path: new Set(words(`
    PathExists PathExistsGlob PathChanged PathModified DirectoryNotEmpty Unit MakeDirectory
    DirectoryMode TriggerLimitIntervalSec TriggerLimitBurst
  `)),
  Slice: new Set([...[], ...RESOURCE_CONTROL]),
  Scope: new Set([...words(`
    SendSIGKILL SendSIGHUP KillMode KillSignal RestartKillSignal FinalKillSignal WatchdogSignal
    RuntimeMaxSec RuntimeRandomizedExtraSec TimeoutStopSec OOMPolicy
  `), ...RESOURCE_CONTROL]),
  Install: new Set(words(`
    Alias WantedBy RequiredBy Also DefaultInstance
  `)),
};
