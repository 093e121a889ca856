// systemd.exec(5) directives that change what a service may do, which the unit parser accepts
// (kept verbatim in settings.other, so units load as under systemd) but the planner does not turn
// into plan ops. Never silent: the service edge reports each one set as a warning.
export const UNENFORCED_EXEC_DIRECTIVES: readonly string[] = [
  'DynamicUser', 'PrivateUsers', 'RestrictAddressFamilies', 'RestrictFileSystems', 'SystemCallLog',
  'Personality', 'SecureBits', 'KeyringMode', 'NetworkNamespacePath', 'IPCNamespacePath',
  'RootImage', 'RootImageOptions', 'RootHash', 'RootVerity', 'MountImages', 'ExtensionImages', 'ExtensionDirectories',
  'LoadCredential', 'LoadCredentialEncrypted', 'SetCredential', 'SetCredentialEncrypted',
  'SELinuxContext', 'AppArmorProfile', 'SmackProcessLabel', 'IPAddressAllow', 'IPAddressDeny',
  'DeviceAllow', 'DevicePolicy', 'SocketBindAllow', 'SocketBindDeny', 'RestrictNetworkInterfaces',
  'CPUSchedulingPolicy', 'CPUSchedulingPriority', 'CPUAffinity', 'IOSchedulingClass', 'IOSchedulingPriority', 'NUMAPolicy',
];

/** `Section.Key` -> values, as settings.other keeps them: which unenforced directives are set. */
export function unenforcedDirectivesSet(other: Readonly<Record<string, readonly string[]>>): string[] {
  return UNENFORCED_EXEC_DIRECTIVES.filter((k) => (other[`Service.${k}`] ?? []).length > 0);
}
